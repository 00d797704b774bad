import ArgumentParser
import CRMModel
import LocalReplica

/// `crm schedule …`: appointments and lessons.
struct ScheduleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedule",
        abstract: "Book, change, complete and delete schedules.",
        discussion: "Times are ISO 8601 with a zone: 2026-11-23T10:00:00Z or 2026-11-23T19:00+09:00.",
        subcommands: [ScheduleAdd.self, ScheduleEdit_.self, ScheduleDone.self, ScheduleCancel.self, ScheduleDelete.self]
    )
}

struct ScheduleAdd: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "Book a schedule for a client.")

    @OptionGroup var options: ReplicaOptions
    @Argument(help: "The client's id.") var clientID: String
    @Option(help: "Start, ISO 8601 with a zone.") var start: String
    @Option(help: "End, ISO 8601 with a zone, after the start.") var end: String
    @Option(help: "The staff member's id.") var staff: String?
    @Option(help: "The room: a room id (`crm room add`) for double-booking checks, or free text.") var room: String?
    @Option(name: .customLong("class"), help: "The class id, for a session of a class.") var course: String?
    @Option(help: "Prepaid money to deduct for this booking, in minor units.") var deduct: Int64?
    @Option(help: "What this schedule costs (its settlement), in minor units.") var settle: Int64?

    func run() throws {
        try reportingFailures {
            let client: ClientID = try parseID(clientID, "client id")
            let startTime = try Timestamp(parsing: start, field: "--start")
            let endTime = try Timestamp(parsing: end, field: "--end")
            let staffID: UserID? = try staff.map { try parseID($0, "--staff") }
            let courseID: CourseID? = try course.map { try parseID($0, "--class") }
            let id = try options.open().write { writer in
                let id = try writer.addSchedule(for: client, start: startTime, end: endTime, staff: staffID, room: room, course: courseID)
                if let deduct { _ = try writer.addLedgerEntry(client: client, kind: .deduction, amount: deduct, schedule: id) }
                if let settle { _ = try writer.addLedgerEntry(client: client, kind: .settlement, amount: settle, schedule: id) }
                return id
            }
            options.output(CreatedID(id: id.description)) { id.description }
        }
    }
}

struct ScheduleEdit_: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "edit", abstract: "Change a schedule's time, staff member or room.")

    @OptionGroup var options: ReplicaOptions
    @Argument(help: "The schedule's id.") var scheduleID: String
    @Option(help: "New start.") var start: String?
    @Option(help: "New end.") var end: String?
    @Option(help: "New staff member's id.") var staff: String?
    @Option(help: "New room ('' clears it).") var room: String?

    func run() throws {
        try reportingFailures {
            let schedule: ScheduleID = try parseID(scheduleID, "schedule id")
            let edit = ScheduleEdit(
                start: try start.map { try Timestamp(parsing: $0, field: "--start") },
                end: try end.map { try Timestamp(parsing: $0, field: "--end") },
                staffID: try staff.map { try parseID($0, "--staff") }, room: room)
            try options.open().write { try $0.editSchedule(schedule, edit) }
        }
    }
}

struct ScheduleDone: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "done", abstract: "Mark a schedule done.")

    @OptionGroup var options: ReplicaOptions
    @Argument(help: "The schedule's id.") var scheduleID: String

    func run() throws {
        try reportingFailures {
            let schedule: ScheduleID = try parseID(scheduleID, "schedule id")
            try options.open().write { try $0.markScheduleDone(schedule) }
        }
    }
}

struct ScheduleCancel: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "cancel", abstract: "Mark a schedule cancelled (kept as history).")

    @OptionGroup var options: ReplicaOptions
    @Argument(help: "The schedule's id.") var scheduleID: String

    func run() throws {
        try reportingFailures {
            let schedule: ScheduleID = try parseID(scheduleID, "schedule id")
            try options.open().write { try $0.editSchedule(schedule, ScheduleEdit(state: .cancelled)) }
        }
    }
}

struct ScheduleDelete: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "delete", abstract: "Delete a schedule (its journal is kept).")

    @OptionGroup var options: ReplicaOptions
    @Argument(help: "The schedule's id.") var scheduleID: String

    func run() throws {
        try reportingFailures {
            let schedule: ScheduleID = try parseID(scheduleID, "schedule id")
            try options.open().write { try $0.deleteSchedule(schedule) }
        }
    }
}

/// `crm journal …`: session logs of schedules.
struct JournalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "journal",
        abstract: "Write and delete the journal (session log) of a schedule.",
        subcommands: [JournalWrite.self, JournalDelete.self]
    )
}

struct JournalWrite: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "write", abstract: "Write or replace a schedule's journal.")

    @OptionGroup var options: ReplicaOptions
    @Argument(help: "The schedule's id.") var scheduleID: String
    @Option(help: "The journal text.") var text: String

    func run() throws {
        try reportingFailures {
            let schedule: ScheduleID = try parseID(scheduleID, "schedule id")
            let id = try options.open().write { try $0.writeJournal(for: schedule, text: text) }
            options.output(CreatedID(id: id.description)) { id.description }
        }
    }
}

struct JournalDelete: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "delete", abstract: "Delete a journal; its schedule stays.")

    @OptionGroup var options: ReplicaOptions
    @Argument(help: "The journal's id.") var journalID: String

    func run() throws {
        try reportingFailures {
            let journal: JournalID = try parseID(journalID, "journal id")
            try options.open().write { try $0.deleteJournal(journal) }
        }
    }
}
