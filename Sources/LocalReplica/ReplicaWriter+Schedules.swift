import CRMModel
import GRDB
import SyncCore

/// Changes to a schedule; `nil` leaves a field as it is.
public struct ScheduleEdit: Sendable {
    /// New start.
    public var start: Timestamp?
    /// New end.
    public var end: Timestamp?
    /// New staff member.
    public var staffID: UserID?
    /// New room; an empty string clears it.
    public var room: String?
    /// New state.
    public var state: Schedule.State?

    /// Describes an edit.
    public init(start: Timestamp? = nil, end: Timestamp? = nil, staffID: UserID? = nil, room: String? = nil, state: Schedule.State? = nil) {
        self.start = start
        self.end = end
        self.staffID = staffID
        self.room = room
        self.state = state
    }
}

extension ReplicaWriter {
    /// Books a schedule for a client. The client's status becomes `in_progress` (derived).
    /// `course` books the client into a session of a class.
    public mutating func addSchedule(for client: ClientID, start: Timestamp, end: Timestamp, staff: UserID? = nil, room: String? = nil,
                                     course: CourseID? = nil) throws -> ScheduleID {
        let schedule = try Schedule(id: newID(), clientID: client, start: start, end: end, staffID: staff, room: room)
        if let staff { try require(.staffUser, staff.description) }
        if let course { try require(.course, course.description) }
        let clientText = client.description
        try refersTo(.client, clientText) { writer in
            try writer.insert(.schedule, id: schedule.id.description, [
                .text(clientText), .text(start.description), .text(end.description),
                staff.map { .text($0.description) } ?? .null, schedule.room.map { .text($0) } ?? .null,
                .text(Schedule.State.scheduled.rawValue), course.map { .text($0.description) } ?? .null,
            ])
        }
        return schedule.id
    }

    /// Changes a schedule's time, staff member, room or state.
    public mutating func editSchedule(_ id: ScheduleID, _ edit: ScheduleEdit) throws {
        guard let row = try Row.fetchOne(db, sql: "SELECT starts_at, ends_at FROM schedule WHERE id = ?", arguments: [id.description]) else {
            throw ReplicaError.notFound(.schedule, id.description)
        }
        let start = try edit.start ?? Timestamp(parsing: row[0], field: "schedule.start")
        let end = try edit.end ?? Timestamp(parsing: row[1], field: "schedule.end")
        try Schedule.checkRange(start: start, end: end)
        var assignments: [FieldAssignment] = []
        if let value = edit.start { assignments.append(.init("starts_at", .text(value.description))) }
        if let value = edit.end { assignments.append(.init("ends_at", .text(value.description))) }
        if let staff = edit.staffID {
            try require(.staffUser, staff.description)
            assignments.append(.init("staff_id", .text(staff.description)))
        }
        if let room = edit.room {
            assignments.append(.init("room", room.isEmpty ? .null : .text(try Schedule.validRoom(room))))
        }
        if let state = edit.state { assignments.append(.init("state", .text(state.rawValue))) }
        try update(.schedule, id: id.description, assignments)
    }

    /// Marks a schedule done.
    public mutating func markScheduleDone(_ id: ScheduleID) throws {
        try editSchedule(id, ScheduleEdit(state: .done))
    }

    /// Deletes a schedule; its journal, if any, is kept, its settlement goes with it (the
    /// balance counts settlements of existing schedules only), and prepaid money deducted
    /// for it is released by a new ledger entry.
    public mutating func deleteSchedule(_ id: ScheduleID) throws {
        if let client = try String.fetchOne(db, sql: "SELECT client_id FROM schedule WHERE id = ?", arguments: [id.description]) {
            let deducted = try Int64.fetchOne(db, sql: """
                SELECT COALESCE(SUM(CASE kind WHEN 'deduction' THEN amount ELSE -amount END), 0)
                FROM ledger_entry WHERE schedule_id = ? AND kind IN ('deduction', 'release')
                """, arguments: [id.description]) ?? 0
            if deducted > 0 {
                _ = try addLedgerEntry(client: ClientID(client)!, kind: .release, amount: deducted, schedule: id, note: "schedule deleted")
            }
        }
        try delete(.schedule, id: id.description)
    }

    /// Writes the journal of a schedule: creates it, or replaces the text of the one
    /// journal the schedule has.
    public mutating func writeJournal(for schedule: ScheduleID, text: String) throws -> JournalID {
        let text = try Journal.validText(text)
        if let existing = try String.fetchOne(db, sql: "SELECT id FROM journal WHERE schedule_id = ?", arguments: [schedule.description]) {
            try update(.journal, id: existing, [.init("text", .text(text))])
            return JournalID(existing)!
        }
        guard let client = try String.fetchOne(db, sql: "SELECT client_id FROM schedule WHERE id = ?", arguments: [schedule.description]) else {
            throw ReplicaError.notFound(.schedule, schedule.description)
        }
        let id: JournalID = newID()
        try insert(.journal, id: id.description, [.text(schedule.description), .text(client), .text(text)])
        return id
    }

    /// Deletes a journal; its schedule stays.
    public mutating func deleteJournal(_ id: JournalID) throws {
        try delete(.journal, id: id.description)
    }
}
