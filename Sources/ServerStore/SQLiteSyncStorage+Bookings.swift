import GRDB
import SyncCore

extension SQLiteSyncStorage {
    /// Keeps the booking index in step with the schedules a plan changed, and adds a task to
    /// the plan for each double booking or over-full class it finds (``BookingRules``).
    static func applyBookingRules(_ plan: inout PushPlanner.Plan, serverSite: String, now: Int64, db: Database) throws {
        guard !plan.schedules.isEmpty else { return }
        var derived = DerivedRows(serverSite: serverSite, now: now, users: [:])
        var taskKeys = Set<RowKey>()
        for id in Set(plan.schedules).sorted() {
            guard let state = plan.rows[RowKey(EntityKind.schedule.name, id)] else { continue }
            let fields = state.fields.mapValues(\.value)
            let room = fields["room"]?.textValue
            let rooms: Set<String> = try room.map { try isLiveRecord(.room, $0, db: db) ? [$0] : [] } ?? []
            guard !state.deleted, let booking = BookingRules.Booking(id: id, fields: fields, rooms: rooms) else {
                try db.execute(sql: "DELETE FROM booking WHERE schedule_id = ?", arguments: [id])
                continue
            }
            try db.execute(sql: """
                INSERT OR REPLACE INTO booking (schedule_id, client_id, starts_at, ends_at, staff_id, room_id, course_id) VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [id, booking.client, booking.startsAt, booking.endsAt, booking.staff, booking.room, booking.course])
            let others = try overlapping(booking, db: db)
            let clashes = BookingRules.clashes(of: booking, among: others,
                                               roomCapacity: try capacities(.room, booking.room, db: db),
                                               courseCapacity: try capacities(.course, booking.course, db: db))
            var placement: [String: (client: String, branch: String?)] = [:]
            if !clashes.isEmpty {
                var branches: [String: String?] = [:]
                for other in [booking] + others {
                    if branches[other.client] == nil {
                        // The plan's state first: the client may be new in this very push.
                        let client = try plan.rows[RowKey(EntityKind.client.name, other.client)] ?? record(.client, other.client, db: db)
                        branches[other.client] = .some(client?.fields["branch_id"]?.value.textValue)
                    }
                    placement[other.id] = (other.client, branches[other.client] ?? nil)
                }
            }
            let names = clashes.isEmpty ? [:] : try Self.names(of: booking, among: others, plan: plan, db: db)
            for clash in clashes {
                BookingRules.tasks(for: clash, changed: booking, where: placement, names: names, hlc: state.fields.values.map(\.hlc).max() ?? .zero,
                                   into: &derived)
            }
            taskKeys.formUnion(derived.changes.map { RowKey($0.entity.name, $0.rowID) })
        }
        let existing = try loadRows(taskKeys, db: db)
        plan.add(derived, existing: Set(existing.keys))
    }

    /// A client archived by this plan who still has planned schedules: schedules booked at
    /// another office that the archiving office had not seen (it deleted the ones it saw).
    /// They are kept, and flagged with a task, as when the booking arrives after the archive.
    static func applyArchiveRules(_ plan: inout PushPlanner.Plan, serverSite: String, now: Int64, db: Database) throws {
        guard !plan.archivedClients.isEmpty else { return }
        var derived = DerivedRows(serverSite: serverSite, now: now, users: [:])
        let statement = try db.cachedStatement(sql: "SELECT row_id, fields FROM record WHERE client_id = ? AND entity = 'schedule' AND deleted = 0 ORDER BY row_id")
        for client in plan.archivedClients {
            guard let state = plan.rows[RowKey(EntityKind.client.name, client)] else { continue }
            for row in try Row.fetchAll(statement, arguments: [client]) {
                let id: String = row[0]
                if plan.rows[RowKey(EntityKind.schedule.name, id)]?.deleted == true { continue }
                let fields = try StoredFields.decode(row[1])
                guard fields["state"]?.value.textValue ?? "scheduled" == "scheduled" else { continue }
                let title = BookingRules.archivedBookingTitle(client: state.fields["name"]?.value.textValue ?? client, startsAt: fields["starts_at"]?.value.textValue)
                derived.task(.archivedBooking, title: title,
                             assignee: nil, client: client, branch: state.fields["branch_id"]?.value.textValue, detail: id,
                             hlc: state.fields["archive_reason"]?.hlc ?? .zero, cause: [id])
            }
        }
        let existing = try loadRows(Set(derived.changes.map { RowKey($0.entity.name, $0.rowID) }), db: db)
        plan.add(derived, existing: Set(existing.keys))
    }

    /// The names a clash's task shows: the staff member, room and class of `booking` and the
    /// clients of every booking involved, as the plan leaves them or as stored.
    private static func names(of booking: BookingRules.Booking, among others: [BookingRules.Booking], plan: PushPlanner.Plan,
                              db: Database) throws -> [String: String] {
        var names: [String: String] = [:]
        var wanted: [(EntityKind, String)] = []
        if let staff = booking.staff { wanted.append((.staffUser, staff)) }
        if let room = booking.room { wanted.append((.room, room)) }
        if let course = booking.course { wanted.append((.course, course)) }
        for other in [booking] + others { wanted.append((.client, other.client)) }
        for (entity, id) in wanted where names[id] == nil {
            let state = try plan.rows[RowKey(entity.name, id)] ?? record(entity, id, db: db)
            if let name = state?.fields["name"]?.value.textValue { names[id] = name }
        }
        return names
    }

    private static func overlapping(_ booking: BookingRules.Booking, db: Database) throws -> [BookingRules.Booking] {
        var found: [String: BookingRules.Booking] = [:]
        for (column, value) in [("staff_id", booking.staff), ("room_id", booking.room), ("course_id", booking.course)] {
            guard let value else { continue }
            let rows = try Row.fetchAll(db, sql: """
                SELECT schedule_id, client_id, starts_at, ends_at, staff_id, room_id, course_id FROM booking
                WHERE \(column) = ? AND starts_at < ? AND ends_at > ?
                """, arguments: [value, booking.endsAt, booking.startsAt])
            for row in rows {
                found[row[0]] = BookingRules.Booking(id: row[0], client: row[1], startsAt: row[2], endsAt: row[3], staff: row[4], room: row[5], course: row[6])
            }
        }
        return found.values.sorted { $0.id < $1.id }
    }

    private static func capacities(_ entity: EntityKind, _ id: String?, db: Database) throws -> [String: Int64] {
        guard let id, case .integer(let capacity)? = try record(entity, id, db: db)?.fields["capacity"]?.value else { return [:] }
        return [id: capacity]
    }

    private static func record(_ entity: EntityKind, _ id: String, db: Database) throws -> RowState? {
        try loadRows([RowKey(entity.name, id)], db: db)[RowKey(entity.name, id)]
    }

    private static func isLiveRecord(_ entity: EntityKind, _ id: String, db: Database) throws -> Bool {
        try record(entity, id, db: db)?.deleted == false
    }
}
