import CRMTestSupport
import Foundation
import GRDB
import Testing

/// Runs the built `crm` against one temporary replica, as an office script would.
struct CRMHarness {
    let directory: TemporaryDirectory
    let replica: String

    /// Creates a directory and initialises a standalone replica in it.
    init() throws {
        directory = try TemporaryDirectory("crm-cli")
        replica = directory.file("office.crm")
        let result = try CommandRunner.run("crm", ["init", "--replica", replica])
        #expect(result.status == 0, "crm init failed: \(result.stderr)")
    }

    /// Runs `crm` with `--replica` appended.
    @discardableResult
    func crm(_ arguments: String...) throws -> CommandResult {
        try CommandRunner.run("crm", arguments + ["--replica", replica])
    }

    /// Runs a command that must succeed and print `{"id": …}`; returns the id.
    func create(_ arguments: String...) throws -> String {
        let result = try CommandRunner.run("crm", arguments + ["--replica", replica, "--json"])
        #expect(result.status == 0, "\(arguments.joined(separator: " ")) failed: \(result.stderr)")
        return try result.json([String: String].self)["id"] ?? ""
    }

    /// Decodes the JSON output of a command that must succeed.
    func json<T: Decodable>(_ type: T.Type = T.self, _ arguments: String...) throws -> T {
        let result = try CommandRunner.run("crm", arguments + ["--replica", replica, "--json"])
        #expect(result.status == 0, "\(arguments.joined(separator: " ")) failed: \(result.stderr)")
        return try result.json(T.self)
    }

    /// The first column of the first row of a query on the replica, as text.
    func sql(_ query: String) throws -> String {
        let queue = try DatabaseQueue(path: replica)
        defer { try? queue.close() }
        return try queue.read { db in try String.fetchOne(db, sql: query) } ?? ""
    }

    /// Every table of the replica, to compare before and after a refused command.
    func dump() throws -> String { try ReplicaDump.dump(replica) }
}

/// The part of `crm client show --json` the tests read.
struct ShownClient: Decodable {
    struct Memo: Decodable { let id: String; let text: String; let type: String? }
    struct Schedule: Decodable { let id: String; let state: String; let start: String; let room: String?; let journal: String? }
    let id: String
    let name: String
    let phones: [String]
    let emails: [String]
    let birthDate: String?
    let status: String
    let assignee: String?
    let tags: [String]
    let customFields: [String: String]
    let memos: [Memo]
    let schedules: [Schedule]
    let balance: Int64
}

/// One line of `crm client list --json`.
struct ListedClient: Decodable {
    let id: String
    let name: String
    let status: String
    let assignee: String?
    let phone: String?
}

/// One line of `crm tasks --json`.
struct TaskLine: Decodable {
    let id: String
    let title: String
    let assignee: String?
    let due: String?
    let clientId: String?
    let done: Bool
}
