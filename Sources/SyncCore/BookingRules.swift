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

    /// Adds the task for a clash to `derived`; its id comes from the clash, so the same
    /// clash found again does not make a second task.
    public static func task(for clash: Clash, branch: String?, client: String, hlc: HLCTimestamp, into derived: inout DerivedRows) {
        switch clash {
        case .staff(let staff, let first, let second):
            derived.task(.bookingOverlap, title: "Staff member \(staff) is booked twice at once: schedules \(first) and \(second)",
                         assignee: nil, client: client, branch: branch, detail: "\(first) \(second)", hlc: hlc, cause: ["staff", staff, first, second])
        case .room(let room, let bookings):
            derived.task(.bookingOverlap, title: "Room \(room) is booked over its capacity: schedules \(bookings.joined(separator: ", "))",
                         assignee: nil, client: client, branch: branch, detail: bookings.joined(separator: " "), hlc: hlc,
                         cause: ["room", room] + bookings)
        case .course(let course, let startsAt, let bookings):
            derived.task(.overCapacity, title: "Class \(course) at \(startsAt) is over capacity: schedules \(bookings.joined(separator: ", "))",
                         assignee: nil, client: client, branch: branch, detail: bookings.joined(separator: " "), hlc: hlc,
                         cause: ["course", course, startsAt] + bookings)
        }
    }
}
