import ArgumentParser
import CRMModel
import LocalReplica

/// `crm client …`: client cards.
struct ClientCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "client",
        abstract: "Add, edit, find and archive client cards.",
        subcommands: [
            ClientAdd.self, ClientEditCommand.self, ClientDelete.self, ClientDormant.self, ClientWake.self,
            ClientArchive.self, ClientUnarchive.self, ClientList.self, ClientShow.self,
        ]
    )
}

/// Parses `key=value` custom field assignments.
func parseFields(_ pairs: [String]) throws -> [String: String] {
    var fields: [String: String] = [:]
    for pair in pairs {
        guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
            throw CLIFailure("--field: expected KEY=VALUE")
        }
        fields[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
    }
    return fields
}

struct ClientAdd: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "Add a client card.")

    @OptionGroup var options: ReplicaOptions
    @Option(help: "Full name.") var name: String
    @Option(help: "A phone number; repeat for more, the first is primary.") var phone: [String] = []
    @Option(help: "An e-mail address; repeat for more, the first is primary.") var email: [String] = []
    @Option(help: "Birth date, YYYY-MM-DD or DD.MM.YYYY.") var birthDate: String?
    @Option(help: "A tag; repeat for more.") var tag: [String] = []
    @Option(help: "A custom field value, KEY=VALUE; repeat for more.") var field: [String] = []
    @Option(help: "The client's branch id.") var branch: String?
    @Option(help: "The responsible staff member's id.") var assignee: String?

    func run() throws {
        try reportingFailures {
            let replica = try options.open()
            let new = NewClient(
                name: name, phones: phone, emails: email, birthDate: birthDate, tags: tag,
                customFields: try parseFields(field),
                branchID: try branch.map { try parseID($0, "--branch") },
                assigneeID: try assignee.map { try parseID($0, "--assignee") })
            let id = try replica.write { try $0.addClient(new) }
            options.output(CreatedID(id: id.description)) { id.description }
        }
    }
}

struct ClientEditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edit",
        abstract: "Edit a client card; only the fields given change.",
        discussion: "--phone and --email, when given, replace the whole list (the first becomes primary). --birth-date '' clears the date; --field KEY= clears a custom field."
    )

    @OptionGroup var options: ReplicaOptions
    @Argument(help: "The client's id.") var id: String
    @Option(help: "New full name.") var name: String?
    @Option(help: "Phone numbers (replace the list; the first is primary).") var phone: [String] = []
    @Option(help: "E-mail addresses (replace the list; the first is primary).") var email: [String] = []
    @Option(help: "New birth date.") var birthDate: String?
    @Option(help: "A custom field value, KEY=VALUE.") var field: [String] = []
    @Option(help: "New branch id.") var branch: String?
    @Option(help: "A tag to add.") var addTag: [String] = []
    @Option(help: "A tag to remove.") var removeTag: [String] = []

    func run() throws {
        try reportingFailures {
            let clientID: ClientID = try parseID(id, "client id")
            let edit = ClientEdit(
                name: name, phones: phone.isEmpty ? nil : phone, emails: email.isEmpty ? nil : email,
                birthDate: birthDate, customFields: try parseFields(field),
                branchID: try branch.map { try parseID($0, "--branch") })
            try options.open().write { writer in
                try writer.editClient(clientID, edit)
                for tag in addTag { try writer.addTag(tag, to: clientID) }
                for tag in removeTag { try writer.removeTag(tag, from: clientID) }
            }
        }
    }
}

struct ClientDelete: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "delete", abstract: "Delete a client card with its memos, schedules and tags (irreversible).")

    @OptionGroup var options: ReplicaOptions
    @Argument(help: "The client's id.") var id: String

    func run() throws {
        try reportingFailures {
            let clientID: ClientID = try parseID(id, "client id")
            try options.open().write { try $0.deleteClient(clientID) }
        }
    }
}

struct ClientDormant: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "dormant", abstract: "Put a client to sleep (status dormant).")

    @OptionGroup var options: ReplicaOptions
    @Argument(help: "The client's id.") var id: String

    func run() throws {
        try reportingFailures {
            let clientID: ClientID = try parseID(id, "client id")
            try options.open().write { try $0.setDormant(clientID, true) }
        }
    }
}

struct ClientWake: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "wake", abstract: "Wake a dormant client (status derived from schedules again).")

    @OptionGroup var options: ReplicaOptions
    @Argument(help: "The client's id.") var id: String

    func run() throws {
        try reportingFailures {
            let clientID: ClientID = try parseID(id, "client id")
            try options.open().write { try $0.setDormant(clientID, false) }
        }
    }
}

struct ClientArchive: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "archive",
        abstract: "Archive a client with a reason; its planned (scheduled) lessons are deleted."
    )

    @OptionGroup var options: ReplicaOptions
    @Argument(help: "The client's id.") var id: String
    @Option(help: "Why the client is archived.") var reason: String

    func run() throws {
        try reportingFailures {
            let clientID: ClientID = try parseID(id, "client id")
            try options.open().write { try $0.archiveClient(clientID, reason: reason) }
        }
    }
}

struct ClientUnarchive: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "unarchive", abstract: "Take a client out of the archive.")

    @OptionGroup var options: ReplicaOptions
    @Argument(help: "The client's id.") var id: String

    func run() throws {
        try reportingFailures {
            let clientID: ClientID = try parseID(id, "client id")
            try options.open().write { try $0.unarchiveClient(clientID) }
        }
    }
}

struct ClientList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List clients by name; archived clients are left out unless --archived."
    )

    @OptionGroup var options: ReplicaOptions
    @Option(help: "Match name (any case), any phone or any e-mail.") var search: String?
    @Option(help: "Only this status: new, in_progress, completed, dormant, archived.") var status: String?
    @Option(help: "Only clients with this tag.") var tag: String?
    @Flag(help: "Include archived clients.") var archived = false
    @Option(help: "At most this many.") var limit: Int?

    func run() throws {
        try reportingFailures {
            if let limit, limit < 0 { throw CLIFailure("--limit: must be 0 or more") }
            let query = ClientQuery(
                search: search, status: try status.map { try ClientStatus(parsing: $0, field: "--status") }, tag: tag,
                includeArchived: archived, limit: limit)
            let clients = try options.open().clients(query)
            options.output(clients) {
                clients.map { "\($0.id)  \($0.status.padding(toLength: 11, withPad: " ", startingAt: 0))  \(Terminal.safe($0.name))  \($0.phone ?? "")" }
                    .joined(separator: "\n")
            }
        }
    }
}

struct ClientShow: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show a whole client card with memos and schedules.")

    @OptionGroup var options: ReplicaOptions
    @Argument(help: "The client's id.") var id: String

    func run() throws {
        try reportingFailures {
            let client = try options.open().client(try parseID(id, "client id"))
            options.output(client) { ClientText.render(client, names: (try? Names(options.open())) ?? .none) }
        }
    }
}
