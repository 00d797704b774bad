import ArgumentParser
import CRMModel
import LocalReplica

/// `crm assign`: the responsible staff member.
struct AssignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "assign", abstract: "Make a staff member responsible for a client.")

    @OptionGroup var options: ReplicaOptions
    @Argument(help: "The client's id.") var clientID: String
    @Option(help: "The staff member's id.") var to: String

    func run() throws {
        try reportingFailures {
            let client: ClientID = try parseID(clientID, "client id")
            let user: UserID = try parseID(to, "--to")
            try options.open().write { try $0.assign(client, to: user) }
        }
    }
}

/// `crm tasks`: the task list.
struct TasksCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "tasks", abstract: "List open tasks by due date.")

    @OptionGroup var options: ReplicaOptions
    @Flag(help: "Include done tasks.") var all = false

    func run() throws {
        try reportingFailures {
            let tasks = try options.open().tasks(includeDone: all)
            let names = try Names(options.open())
            options.output(tasks) {
                tasks.map { task in
                    let who = task.assignee.map { "  for \(names.staff($0))" } ?? ""
                    let about = task.clientId.map { "  about \(names.client($0))" } ?? ""
                    return "\(task.id)  \(task.due ?? "          ")  \(task.done ? "done " : "")\(Terminal.safe(task.title))\(who)\(about)"
                }.joined(separator: "\n")
            }
        }
    }
}

/// `crm task …`: adding and completing tasks.
struct TaskCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "task", abstract: "Add and complete tasks.", subcommands: [TaskAdd.self, TaskDone.self])
}

struct TaskAdd: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "Add a task.")

    @OptionGroup var options: ReplicaOptions
    @Option(help: "What to do.") var title: String
    @Option(help: "Who should do it (staff id).") var assignee: String?
    @Option(help: "Due date, YYYY-MM-DD.") var due: String?
    @Option(help: "The client it concerns.") var client: String?

    func run() throws {
        try reportingFailures {
            let assigneeID: UserID? = try assignee.map { try parseID($0, "--assignee") }
            let clientID: ClientID? = try client.map { try parseID($0, "--client") }
            let dueDate = try due.map { try CalendarDate(parsing: $0, field: "--due") }
            let id = try options.open().write { try $0.addTask(title: title, assignee: assigneeID, due: dueDate, client: clientID) }
            options.output(CreatedID(id: id.description)) { id.description }
        }
    }
}

struct TaskDone: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "done", abstract: "Mark a task done.")

    @OptionGroup var options: ReplicaOptions
    @Argument(help: "The task's id.") var taskID: String

    func run() throws {
        try reportingFailures {
            let task: TaskID = try parseID(taskID, "task id")
            try options.open().write { try $0.completeTask(task) }
        }
    }
}

/// `crm rejected`: local changes the server refused.
struct RejectedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rejected", abstract: "List local changes the server refused, with the reason.")

    @OptionGroup var options: ReplicaOptions

    func run() throws {
        try reportingFailures {
            let replica = try options.open()
            let rejected = try replica.rejectedChanges()
            options.output(rejected) {
                let names = (try? Names(replica)) ?? .none
                return rejected.map { change in
                    let typed = change.value.map { "  typed: \(Terminal.safe($0))" } ?? ""
                    return "\(LocalTime.text(change.rejectedAt))  \(change.entity)\(change.field.map { ".\($0)" } ?? "") of \(names.client(ofRow: change.entity, id: change.entityId))"
                        + "  \(change.reason)\(typed)"
                }.joined(separator: "\n")
            }
        }
    }
}

/// `crm branch …`: branch offices.
struct BranchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "branch", abstract: "Add branch offices to a standalone replica.", subcommands: [BranchAdd.self])
}

struct BranchAdd: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "Add a branch office.")

    @OptionGroup var options: ReplicaOptions
    @Option(help: "The branch's name.") var name: String

    func run() throws {
        try reportingFailures {
            let id = try options.open().write { try $0.addBranch(name: name) }
            options.output(CreatedID(id: id.description)) { id.description }
        }
    }
}

/// `crm staff …`: staff members.
struct StaffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "staff", abstract: "List staff members; add them to a standalone replica.",
                                                    subcommands: [StaffList.self, StaffAdd.self])
}

/// `crm staff list`: the staff this replica knows, with role, team and branch by name.
struct StaffList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the staff members this workstation knows.")

    @OptionGroup var options: ReplicaOptions

    func run() throws {
        try reportingFailures {
            let replica = try options.open()
            let staff = try replica.staff()
            let branches = try replica.branchNames()
            options.output(staff) {
                staff.map { "\($0.name)  \($0.role)  \($0.team)  \($0.branch.map { branches[$0] ?? "unknown branch" } ?? "no branch")" }.joined(separator: "\n")
            }
        }
    }
}

struct StaffAdd: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "Add a staff member.")

    @OptionGroup var options: ReplicaOptions
    @Option(help: "Display name.") var name: String
    @Option(help: "executive, manager or general.") var role: String
    @Option(help: "sales, collections or other.") var team: String = "other"
    @Option(help: "The branch id.") var branch: String?

    func run() throws {
        try reportingFailures {
            let parsedRole = try Role(parsing: role, field: "--role")
            let parsedTeam = try Team(parsing: team, field: "--team")
            let branchID: BranchID? = try branch.map { try parseID($0, "--branch") }
            let id = try options.open().write { try $0.addStaff(name: name, role: parsedRole, team: parsedTeam, branch: branchID) }
            options.output(CreatedID(id: id.description)) { id.description }
        }
    }
}

/// `crm field …`: custom fields of client cards.
struct FieldCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "field", abstract: "Define custom fields of client cards.", subcommands: [FieldAdd.self])
}

struct FieldAdd: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "Define a custom field.")

    @OptionGroup var options: ReplicaOptions
    @Option(help: "Key used in data: a-z, 0-9 and _.") var key: String
    @Option(help: "Label shown to staff.") var label: String
    @Option(help: "text, number, date or boolean.") var kind: String = "text"
    @Flag(help: "Hide the field on cards.") var hidden = false

    func run() throws {
        try reportingFailures {
            let parsedKind = try CustomFieldDefinition.Kind(parsing: kind, field: "--kind")
            let id = try options.open().write { try $0.addCustomField(key: key, label: label, kind: parsedKind, hidden: hidden) }
            options.output(CreatedID(id: id.description)) { id.description }
        }
    }
}
