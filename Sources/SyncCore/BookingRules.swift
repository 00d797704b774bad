/// Double bookings made at different offices: both are kept, and the branch's
/// administrator gets a task naming them (DESIGN.md, "schedules"). Pure: the store finds
/// the bookings that share a staff member, room or class with a changed schedule.
public enum BookingRules {
    /// A schedule as the rules see it.
    public struct Booking: Sendable, Equatable {
        /// The schedule id.
        public var id: String
        /// The client booked.
        public var client: String
        /// Start and end, ISO 8601 UTC (they compare as text).
        public var startsAt: String
        /// End.
        public var endsAt: String
        /// The staff member, if any.
        public var staff: String?
        /// The room id, when the schedule is in a defined room.
        public var room: String?
        /// The class, when it is a class session.
        public var course: String?

        /// Creates a booking.
        public init(id: String, client: String, startsAt: String, endsAt: String, staff: String?, room: String?, course: String?) {
            self.id = id
            self.client = client
            self.startsAt = startsAt
            self.endsAt = endsAt
            self.staff = staff
            self.room = room
            self.course = course
        }

        /// A scheduled (not done, not cancelled) schedule's booking, from its fields; `nil`
        /// when it books nobody and nothing that can clash. `rooms` holds the defined rooms.
        public init?(id: String, fields: [String: FieldValue], rooms: Set<String>) {
            guard fields["state"]?.textValue ?? "scheduled" == "scheduled",
                  let client = fields["client_id"]?.textValue, let starts = fields["starts_at"]?.textValue,
                  let ends = fields["ends_at"]?.textValue else { return nil }
            let room = fields["room"]?.textValue.flatMap { rooms.contains($0) ? $0 : nil }
            let staff = fields["staff_id"]?.textValue
            let course = fields["course_id"]?.textValue
            guard staff != nil || room != nil || course != nil else { return nil }
            self.init(id: id, client: client, startsAt: starts, endsAt: ends, staff: staff, room: room, course: course)
        }

        func overlaps(_ other: Booking) -> Bool { startsAt < other.endsAt && other.startsAt < endsAt }

        /// Whether both are the same session of one class (they share its teacher and room).
        func sameSession(_ other: Booking) -> Bool { course != nil && course == other.course && startsAt == other.startsAt }
    }

    /// A problem for the branch's administrator to correct by hand.
    public enum Clash: Sendable, Equatable {
        /// Two bookings of one staff member at overlapping times.
        case staff(String, first: String, second: String)
        /// A room holds more overlapping bookings than its capacity.
        case room(String, bookings: [String])
        /// A class session holds more bookings than the class's capacity.
        case course(String, startsAt: String, bookings: [String])
    }

    /// The clashes of `changed` with `others` (every scheduled booking that shares a staff
    /// member, room or class with it, `changed` included or not). `roomCapacity` and
    /// `courseCapacity` give capacities (1 when unknown).
    public static func clashes(of changed: Booking, among others: [Booking], roomCapacity: [String: Int64], courseCapacity: [String: Int64]) -> [Clash] {
        let rest = others.filter { $0.id != changed.id }
        var found: [Clash] = []
        if let staff = changed.staff {
            for other in rest.sorted(by: { $0.id < $1.id }) where other.staff == staff && other.overlaps(changed) && !other.sameSession(changed) {
                let pair = [changed.id, other.id].sorted()
                found.append(.staff(staff, first: pair[0], second: pair[1]))
            }
        }
        if let room = changed.room {
            let overlapping = rest.filter { $0.room == room && $0.overlaps(changed) && !$0.sameSession(changed) }
            if Int64(overlapping.count + 1) > roomCapacity[room] ?? 1 {
                found.append(.room(room, bookings: ([changed.id] + overlapping.map(\.id)).sorted()))
            }
        }
        if let course = changed.course {
            let session = rest.filter { $0.sameSession(changed) }
            if Int64(session.count + 1) > courseCapacity[course] ?? 1 {
                found.append(.course(course, startsAt: changed.startsAt, bookings: ([changed.id] + session.map(\.id)).sorted()))
            }
        }
        return found
    }

    /// Adds the tasks for a clash to `derived`: one for each branch whose schedules it
    /// involves, placed under a client of that branch and naming only that branch's
    /// schedules (the others are counted, not named: they are another branch's business).
    /// `where` gives each schedule's client and branch; `changed` is the schedule whose
    /// change found the clash. Task ids come from the clash, so the same clash found again
    /// does not make a second task.
    ///
    /// `names` gives the names of staff members, rooms, classes and clients by id, so the
    /// task reads as people speak ("Park Jisoo is booked twice at once: sessions of Kim
    /// Minji and Lee Hana"); an id without a name is shown as it is.
    public static func tasks(for clash: Clash, changed: Booking, where placement: [String: (client: String, branch: String?)],
                             names: [String: String] = [:], hlc: HLCTimestamp, into derived: inout DerivedRows) {
        let bookings: [String]
        let cause: [String]
        switch clash {
        case .staff(let staff, let first, let second): (bookings, cause) = ([first, second], ["staff", staff, first, second])
        case .room(let room, let ids): (bookings, cause) = (ids, ["room", room] + ids)
        case .course(let course, let startsAt, let ids): (bookings, cause) = (ids, ["course", course, startsAt] + ids)
        }
        let home = placement[changed.id]?.branch
        let branches = Dictionary(grouping: bookings) { placement[$0]?.branch ?? home }
        for (branch, own) in branches.sorted(by: { ($0.key ?? "") < ($1.key ?? "") }) {
            let ids = own.sorted()
            let elsewhere = bookings.count - ids.count
            let client = ids.contains(changed.id) ? changed.client : ids.first.flatMap { placement[$0]?.client } ?? changed.client
            let others = elsewhere == 0 ? "" : " (and \(elsewhere) booking\(elsewhere == 1 ? "" : "s") at another branch)"
            func name(_ id: String) -> String { names[id] ?? id }
            // The sessions by their clients, in alphabetical order (a client twice when both
            // sessions are theirs).
            let sessions = "sessions of " + ids.map { name(placement[$0]?.client ?? changed.client) }.sorted().joined(separator: ids.count == 2 ? " and " : ", ")
            let title: String
            switch clash {
            case .staff(let staff, _, _): title = "\(name(staff)) is booked twice at once: \(sessions)\(others)"
            case .room(let room, _): title = "Room \(name(room)) is booked over its capacity: \(sessions)\(others)"
            case .course(let course, let startsAt, _): title = "Class \(name(course)) at \(startsAt) is over capacity: \(sessions)\(others)"
            }
            let kind: TaskKind = if case .course = clash { .overCapacity } else { .bookingOverlap }
            derived.task(kind, title: title, assignee: nil, client: client, branch: branch, detail: ids.joined(separator: " "), hlc: hlc,
                         cause: cause + (branch == home ? [] : ["branch", branch ?? ""]))
        }
    }

    /// The title of the task that flags a session booked for an archived client: the
    /// client by name and the session by its start (UTC: the server knows no office's zone).
    public static func archivedBookingTitle(client: String, startsAt: String?) -> String {
        let when = startsAt.map { " at " + $0.prefix(16).replacingOccurrences(of: "T", with: " ") + " UTC" } ?? ""
        return "A session\(when) was booked for archived client \(client)"
    }
}
