/// A room of a branch. Bookings in a room at overlapping times beyond its capacity are a
/// double booking the server reports as a task.
public struct Room: Hashable, Sendable, Codable, Identifiable {
    /// The room's id.
    public var id: RoomID
    /// Its name.
    public var name: String
    /// How many bookings it holds at once, 1 to ``Room/capacityLimit``.
    public var capacity: Int

    /// The largest capacity accepted (rooms and classes).
    public static let capacityLimit = 10_000

    /// Creates a room after checking its name and capacity.
    public init(id: RoomID, name: String, capacity: Int) throws(ModelError) {
        self.id = id
        self.name = try Text.required(name, field: "room.name", limit: 100)
        self.capacity = try Self.validCapacity(capacity, field: "room.capacity")
    }

    /// Checks a capacity is within 1...``capacityLimit``.
    public static func validCapacity(_ capacity: Int, field: String) throws(ModelError) -> Int {
        guard (1...capacityLimit).contains(capacity) else {
            throw ModelError(.outOfRange, field: field, "must be within 1...\(capacityLimit), got \(capacity)")
        }
        return capacity
    }
}

/// A class: a group lesson with a capacity. Clients join it by enrolment; each session is a
/// schedule per client that names the class.
public struct Course: Hashable, Sendable, Codable, Identifiable {
    /// The class's id.
    public var id: CourseID
    /// Its name.
    public var name: String
    /// How many clients one session takes.
    public var capacity: Int

    /// Creates a class after checking its name and capacity.
    public init(id: CourseID, name: String, capacity: Int) throws(ModelError) {
        self.id = id
        self.name = try Text.required(name, field: "class.name", limit: 200)
        self.capacity = try Room.validCapacity(capacity, field: "class.capacity")
    }
}

/// A client's membership of a class (a client group).
public struct Enrolment: Hashable, Sendable, Codable, Identifiable {
    /// The enrolment's id.
    public var id: EnrolmentID
}

/// A call planned to a client. Archiving the client deletes its open planned calls.
public struct PlannedCall: Hashable, Sendable, Codable, Identifiable {
    /// The planned call's id.
    public var id: PlannedCallID
    /// An optional note.
    public var note: String?

    /// Creates a planned call after checking its note.
    public init(id: PlannedCallID, note: String?) throws(ModelError) {
        self.id = id
        self.note = try note.map { note throws(ModelError) in try Text.limited(note, field: "call.note", limit: 500, multiline: true) }
    }
}
