import SyncCore

/// The push steps that keep the booking index in step and add tasks for double bookings,
/// over-full classes and sessions booked for archived clients (``BookingRules``), written
/// once over ``RecordStore``.
enum BookingRuleSteps {
    /// Keeps the booking index in step with the schedules a plan changed, and adds a task to
    /// the plan for each double booking or over-full class it finds.
    static func applyBookingRules(_ plan: inout PushPlanner.Plan, serverSite: String, now: Int64, store: some RecordStore) throws {
        guard !plan.schedules.isEmpty else { return }
        var derived = DerivedRows(serverSite: serverSite, now: now, users: [:])
        var taskKeys = Set<RowKey>()
        for id in Set(plan.schedules).sorted() {
            guard let state = plan.rows[RowKey(EntityKind.schedule.name, id)] else { continue }
            let fields = state.fields.mapValues(\.value)
            let room = fields["room"]?.textValue
            let rooms: Set<String> = try room.map { try store.row(.room, $0)?.deleted == false ? [$0] : [] } ?? []
            guard !state.deleted, let booking = BookingRules.Booking(id: id, fields: fields, rooms: rooms) else {
                try store.unindexBooking(schedule: id)
                continue
            }
            try store.indexBooking(booking)
            let others = try store.bookings(overlapping: booking)
            let clashes = BookingRules.clashes(of: booking, among: others,
                                               roomCapacity: try capacities(.room, booking.room, store: store),
                                               courseCapacity: try capacities(.course, booking.course, store: store))
            var placement: [String: (client: String, branch: String?)] = [:]
            if !clashes.isEmpty {
                var branches: [String: String?] = [:]
                for other in [booking] + others {
                    if branches[other.client] == nil {
                        // The plan's state first: the client may be new in this very push.
                        let client = try plan.rows[RowKey(EntityKind.client.name, other.client)] ?? store.row(.client, other.client)
                        branches[other.client] = .some(client?.fields["branch_id"]?.value.textValue)
                    }
                    placement[other.id] = (other.client, branches[other.client] ?? nil)
                }
            }
            let names = clashes.isEmpty ? [:] : try Self.names(of: booking, among: others, plan: plan, store: store)
            for clash in clashes {
                BookingRules.tasks(for: clash, changed: booking, where: placement, names: names, hlc: state.fields.values.map(\.hlc).max() ?? .zero,
                                   into: &derived)
            }
            taskKeys.formUnion(derived.changes.map { RowKey($0.entity.name, $0.rowID) })
        }
        let existing = try store.rows(taskKeys)
        plan.add(derived, existing: Set(existing.keys))
    }

    /// A client archived by this plan who still has planned schedules: schedules booked at
    /// another office that the archiving office had not seen (it deleted the ones it saw).
    /// They are kept, and flagged with a task, as when the booking arrives after the archive.
    static func applyArchiveRules(_ plan: inout PushPlanner.Plan, serverSite: String, now: Int64, store: some RecordStore) throws {
        guard !plan.archivedClients.isEmpty else { return }
        var derived = DerivedRows(serverSite: serverSite, now: now, users: [:])
        for client in plan.archivedClients {
            guard let state = plan.rows[RowKey(EntityKind.client.name, client)] else { continue }
            for (id, fields) in try store.liveSchedules(ofClient: client) {
                if plan.rows[RowKey(EntityKind.schedule.name, id)]?.deleted == true { continue }
                guard fields["state"]?.value.textValue ?? "scheduled" == "scheduled" else { continue }
                let title = BookingRules.archivedBookingTitle(client: state.fields["name"]?.value.textValue ?? client, startsAt: fields["starts_at"]?.value.textValue)
                derived.task(.archivedBooking, title: title,
                             assignee: nil, client: client, branch: state.fields["branch_id"]?.value.textValue, detail: id,
                             hlc: state.fields["archive_reason"]?.hlc ?? .zero, cause: [id])
            }
        }
        let existing = try store.rows(Set(derived.changes.map { RowKey($0.entity.name, $0.rowID) }))
        plan.add(derived, existing: Set(existing.keys))
    }

    /// The names a clash's task shows: the staff member, room and class of `booking` and the
    /// clients of every booking involved, as the plan leaves them or as stored.
    private static func names(of booking: BookingRules.Booking, among others: [BookingRules.Booking], plan: PushPlanner.Plan,
                              store: some RecordStore) throws -> [String: String] {
        var names: [String: String] = [:]
        var wanted: [(EntityKind, String)] = []
        if let staff = booking.staff { wanted.append((.staffUser, staff)) }
        if let room = booking.room { wanted.append((.room, room)) }
        if let course = booking.course { wanted.append((.course, course)) }
        for other in [booking] + others { wanted.append((.client, other.client)) }
        for (entity, id) in wanted where names[id] == nil {
            let state = try plan.rows[RowKey(entity.name, id)] ?? store.row(entity, id)
            if let name = state?.fields["name"]?.value.textValue { names[id] = name }
        }
        return names
    }

    private static func capacities(_ entity: EntityKind, _ id: String?, store: some RecordStore) throws -> [String: Int64] {
        guard let id, case .integer(let capacity)? = try store.row(entity, id)?.fields["capacity"]?.value else { return [:] }
        return [id: capacity]
    }
}
