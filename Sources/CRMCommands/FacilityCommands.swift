import ArgumentParser
import CRMModel
import LocalReplica

/// `crm room add`: rooms with a capacity, for double-booking checks.
struct RoomCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "room", abstract: "Add rooms.", subcommands: [RoomAdd.self])
}

struct RoomAdd: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "Add a room.")

    @OptionGroup var options: ReplicaOptions
    @Option(help: "The room's name.") var name: String
    @Option(help: "How many bookings it holds at once.") var capacity: Int = 1
    @Option(help: "The branch's id.") var branch: String?

    func run() throws {
        try reportingFailures {
            let branchID: BranchID? = try branch.map { try parseID($0, "--branch") }
            let id = try options.open().write { try $0.addRoom(name: name, capacity: capacity, branch: branchID) }
            options.output(CreatedID(id: id.description)) { id.description }
        }
    }
}

/// `crm class …`: classes (group lessons) and their groups.
struct ClassCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "class", abstract: "Add classes and enrol clients.", subcommands: [ClassAdd.self, ClassEnrol.self])
}

struct ClassAdd: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "Add a class with its capacity.")

    @OptionGroup var options: ReplicaOptions
    @Option(help: "The class's name.") var name: String
    @Option(help: "How many clients one session takes.") var capacity: Int
    @Option(help: "The branch's id.") var branch: String?
    @Option(help: "The teacher's id.") var staff: String?

    func run() throws {
        try reportingFailures {
            let branchID: BranchID? = try branch.map { try parseID($0, "--branch") }
            let staffID: UserID? = try staff.map { try parseID($0, "--staff") }
            let id = try options.open().write { try $0.addCourse(name: name, capacity: capacity, branch: branchID, staff: staffID) }
            options.output(CreatedID(id: id.description)) { id.description }
        }
    }
}

struct ClassEnrol: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "enrol", abstract: "Add a client to a class's group.")

    @OptionGroup var options: ReplicaOptions
    @Argument(help: "The class's id.") var classID: String
    @Argument(help: "The client's id.") var clientID: String

    func run() throws {
        try reportingFailures {
            let course: CourseID = try parseID(classID, "class id")
            let client: ClientID = try parseID(clientID, "client id")
            let id = try options.open().write { try $0.enrol(client, in: course) }
            options.output(CreatedID(id: id.description)) { id.description }
        }
    }
}

/// `crm call plan`: calls planned to a client.
struct CallCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "call", abstract: "Plan calls to clients.", subcommands: [CallPlan.self])
}

struct CallPlan: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "plan", abstract: "Plan a call to a client.")

    @OptionGroup var options: ReplicaOptions
    @Argument(help: "The client's id.") var clientID: String
    @Option(help: "When, ISO 8601 with a zone.") var due: String
    @Option(help: "Who calls.") var staff: String?
    @Option(help: "A note.") var note: String?

    func run() throws {
        try reportingFailures {
            let client: ClientID = try parseID(clientID, "client id")
            let dueTime = try Timestamp(parsing: due, field: "--due")
            let staffID: UserID? = try staff.map { try parseID($0, "--staff") }
            let id = try options.open().write { try $0.planCall(to: client, due: dueTime, staff: staffID, note: note) }
            options.output(CreatedID(id: id.description)) { id.description }
        }
    }
}
