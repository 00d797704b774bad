/// An appointment or lesson booked for a client.
public struct Schedule: Hashable, Sendable, Codable, Identifiable {
    /// Where a schedule is in its life.
    public enum State: String, CaseIterable, Sendable, Codable {
        /// Booked and still to happen: keeps the client in progress.
        case scheduled
        /// Took place.
        case done
        /// Called off.
        case cancelled
    }

    /// The schedule's id.
    public var id: ScheduleID
    /// The client it is booked for.
    public var clientID: ClientID
    /// When it starts.
    public var start: Timestamp
    /// When it ends, after ``start``.
    public var end: Timestamp
    /// The staff member who runs it.
    public var staffID: UserID?
    /// The room it takes place in.
    public var room: String?
    /// Scheduled, done or cancelled.
    public var state: State

    /// The longest room name accepted.
    public static let roomLimit = 100

    /// Creates a schedule after checking its time range and room.
    public init(id: ScheduleID, clientID: ClientID, start: Timestamp, end: Timestamp, staffID: UserID? = nil, room: String? = nil, state: State = .scheduled) throws(ModelError) {
        try Schedule.checkRange(start: start, end: end)
        self.id = id
        self.clientID = clientID
        self.start = start
        self.end = end
        self.staffID = staffID
        self.room = try room.map { room throws(ModelError) in try Schedule.validRoom(room) }
        self.state = state
    }

    /// Refuses a range that does not end after it starts.
    public static func checkRange(start: Timestamp, end: Timestamp) throws(ModelError) {
        guard end > start else {
            throw ModelError(.invalidRange, field: "schedule.end", "must be after schedule.start")
        }
    }

    /// Checks and trims a room name.
    public static func validRoom(_ room: String) throws(ModelError) -> String {
        try Text.required(room, field: "schedule.room", limit: roomLimit)
    }
}

/// The session log written for one schedule. Deleting a journal keeps its schedule, and
/// deleting a schedule keeps its journal.
public struct Journal: Hashable, Sendable, Codable, Identifiable {
    /// The journal's id.
    public var id: JournalID
    /// The schedule it records (at most one journal per schedule).
    public var scheduleID: ScheduleID
    /// The client of that schedule.
    public var clientID: ClientID
    /// The log text.
    public var text: String

    /// The most characters a journal may hold.
    public static let textLimit = 10_000

    /// Creates a journal after checking its text.
    public init(id: JournalID, scheduleID: ScheduleID, clientID: ClientID, text: String) throws(ModelError) {
        self.id = id
        self.scheduleID = scheduleID
        self.clientID = clientID
        self.text = try Journal.validText(text)
    }

    /// Checks journal text: not blank, at most ``textLimit`` characters.
    public static func validText(_ text: String) throws(ModelError) -> String {
        guard !text.trimmingWhitespace().isEmpty else {
            throw ModelError(.required, field: "journal.text", "must not be empty")
        }
        return try Text.limited(text, field: "journal.text", limit: textLimit, multiline: true)
    }
}

/// A to-do for a staff member, often about a client.
public struct CRMTask: Hashable, Sendable, Codable, Identifiable {
    /// The task's id.
    public var id: TaskID
    /// What to do, 1 to ``CRMTask/titleLimit`` characters.
    public var title: String
    /// Who should do it.
    public var assigneeID: UserID?
    /// By when.
    public var due: CalendarDate?
    /// The client it concerns.
    public var clientID: ClientID?
    /// Whether it has been done.
    public var done: Bool

    /// The longest title accepted.
    public static let titleLimit = 500

    /// Creates a task after checking its title.
    public init(id: TaskID, title: String, assigneeID: UserID? = nil, due: CalendarDate? = nil, clientID: ClientID? = nil, done: Bool = false) throws(ModelError) {
        self.id = id
        self.title = try CRMTask.validTitle(title)
        self.assigneeID = assigneeID
        self.due = due
        self.clientID = clientID
        self.done = done
    }

    /// Checks and trims a task title.
    public static func validTitle(_ title: String) throws(ModelError) -> String {
        try Text.required(title, field: "task.title", limit: titleLimit)
    }
}
