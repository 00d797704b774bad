import ArgumentParser
import CRMModel
import LocalReplica

/// `crm memo …`: notes on client cards.
struct MemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "memo",
        abstract: "Add, edit and delete memos (at most 1,000 characters each).",
        subcommands: [MemoAdd.self, MemoEdit.self, MemoDelete.self]
    )
}

struct MemoAdd: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "Add a memo to a client card.")

    @OptionGroup var options: ReplicaOptions
    @Argument(help: "The client's id.") var clientID: String
    @Option(help: "The memo text, at most 1,000 characters.") var text: String
    @Option(help: "meeting or call.") var type: String?

    func run() throws {
        try reportingFailures {
            let client: ClientID = try parseID(clientID, "client id")
            let kind = try type.map { try Memo.Kind(parsing: $0, field: "--type") }
            let id = try options.open().write { try $0.addMemo(to: client, text: text, kind: kind) }
            options.output(CreatedID(id: id.description)) { id.description }
        }
    }
}

struct MemoEdit: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "edit", abstract: "Replace a memo's text.")

    @OptionGroup var options: ReplicaOptions
    @Argument(help: "The memo's id.") var memoID: String
    @Option(help: "The new text, at most 1,000 characters.") var text: String?
    @Option(help: "meeting or call.") var type: String?

    func run() throws {
        try reportingFailures {
            let memo: MemoID = try parseID(memoID, "memo id")
            let kind = try type.map { try Memo.Kind(parsing: $0, field: "--type") }
            try options.open().write { try $0.editMemo(memo, text: text, kind: kind) }
        }
    }
}

struct MemoDelete: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "delete", abstract: "Delete a memo.")

    @OptionGroup var options: ReplicaOptions
    @Argument(help: "The memo's id.") var memoID: String

    func run() throws {
        try reportingFailures {
            let memo: MemoID = try parseID(memoID, "memo id")
            try options.open().write { try $0.deleteMemo(memo) }
        }
    }
}
