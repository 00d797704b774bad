import ArgumentParser
import CRMModel
import Foundation
import PostgresStore
import SyncServer

/// `crm-server admin …`: branches, staff and device tokens, straight on the store file.
struct Admin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage branches, staff and device tokens.",
        subcommands: [AddBranch.self, AddUser.self, SetRole.self, ListUsers.self, IssueToken.self, ListTokens.self, RevokeToken.self, RevokeUser.self,
                      RejectedChanges.self, MigrateStore.self]
    )
}

/// Options every admin command shares: the store (`--db` or `--postgres`) and `--json`.
struct StoreOptions: ParsableArguments {
    @Option(help: "The SQLite store file.") var db: String?
    @Option(help: "The PostgreSQL store, postgres://USER@HOST[:PORT]/DATABASE.") var postgres: String?
    @Flag(help: "Print the result as JSON.") var json = false

    func validate() throws {
        guard (db == nil) != (postgres == nil) else { throw ValidationError("give one store: --db PATH or --postgres URL") }
    }

    /// Opens the store; a SQLite file must exist unless `creating`.
    func open(creating: Bool = false) async throws -> any SyncStorage {
        if let postgres {
            return try await PostgresSyncStorage(location: PostgresLocation(url: postgres))
        }
        let db = db ?? ""
        guard creating || FileManager.default.fileExists(atPath: db) else {
            throw ValidationError("--db: no store at \(db) (start `crm-server serve --db \(db)` once, or run add-branch to create it)")
        }
        return try SQLiteSyncStorage(path: db)
    }

    func print(_ key: String, _ value: String) {
        Swift.print(json ? "{\"\(key)\":\"\(value)\"}" : value)
    }
}

var nowMillis: Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) }

struct AddBranch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add-branch", abstract: "Add a branch office.")

    @OptionGroup var store: StoreOptions
    @Option(help: "The branch's name.") var name: String

    func run() async throws {
        let branch = try Branch(id: UUIDv7Generator().next(), name: name)
        let id = try await store.open(creating: true).addBranch(name: branch.name, now: nowMillis)
        store.print("id", id)
    }
}

struct AddUser: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add-user", abstract: "Add a staff member.")

    @OptionGroup var store: StoreOptions
    @Option(help: "Display name.") var name: String
    @Option(help: "executive, manager or general.") var role: String
    @Option(help: "The branch id.") var branch: String
    @Option(help: "sales, collections or other.") var team = "other"

    func run() async throws {
        let user = try StaffUser(id: UUIDv7Generator().next(), name: name, role: Role(parsing: role, field: "--role"),
                                 team: Team(parsing: team, field: "--team"), branchID: BranchID(parsing: branch, field: "--branch"))
        let id = try await store.open().addUser(name: user.name, role: user.role.rawValue, team: user.team.rawValue, branch: branch.lowercased(), now: nowMillis)
        store.print("id", id)
    }
}

struct SetRole: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set-role", abstract: "Change a staff member's role (and branch): their replicas gain and lose data on their next sync.")

    @OptionGroup var store: StoreOptions
    @Option(help: "The staff member's id.") var user: String
    @Option(help: "executive, manager or general.") var role: String
    @Option(help: "A new branch id.") var branch: String?

    func run() async throws {
        _ = try UserID(parsing: user, field: "--user")
        let parsed = try Role(parsing: role, field: "--role")
        if let branch { _ = try BranchID(parsing: branch, field: "--branch") }
        try await store.open().setRole(user: user.lowercased(), role: parsed.rawValue, branch: branch?.lowercased(), now: nowMillis)
        if store.json { Swift.print("{\"role\":\"\(parsed.rawValue)\"}") }
    }
}

struct IssueToken: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "issue-token", abstract: "Issue a device token for a staff member (shown once; stored hashed).")

    @OptionGroup var store: StoreOptions
    @Option(help: "The staff member's id.") var user: String
    @Option(help: "A name for the device, e.g. front-desk-1.") var device: String

    func run() async throws {
        _ = try UserID(parsing: user, field: "--user")
        let token = DeviceToken.generate()
        _ = try await store.open().addDevice(user: user.lowercased(), name: device, tokenHash: DeviceToken.hash(token))
        store.print("token", token)
    }
}

struct RevokeToken: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "revoke-token", abstract: "Revoke a device token: the device's next request gets 401.")

    @OptionGroup var store: StoreOptions
    @Option(help: "The token to revoke.") var token: String

    func run() async throws {
        guard try await store.open().revoke(tokenHash: DeviceToken.hash(token)) else {
            throw ValidationError("--token: no active device holds this token")
        }
        if store.json { Swift.print("{\"revoked\":true}") }
    }
}

struct RejectedChanges: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rejected", abstract: "List pushed changes the server refused (the audit), oldest first.")

    @OptionGroup var store: StoreOptions
    @Option(help: "At most this many, the newest.") var limit = 1_000

    func run() async throws {
        let refused = try await store.open().refusedChanges(limit: limit)
        if store.json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            Swift.print(String(decoding: try encoder.encode(refused), as: UTF8.self))
            return
        }
        let names = Dictionary(try await store.open().users().map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        for change in refused {
            let by = change.userId.map { names[$0] ?? $0 } ?? "unknown staff"
            Swift.print("\(LocalTime.text(change.at))  \(change.reason)  \(change.entity) \(change.rowId)  by \(by)  \(change.detail ?? "")")
        }
    }
}

struct MigrateStore: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate-store",
        abstract: "Move an organisation from the SQLite store to an empty PostgreSQL database.",
        discussion: """
            Stop `crm-server serve --db PATH` first. Every row, the log with its positions, devices, tokens and holdings are \
            copied in one transaction; replicas keep syncing without a reset once the servers run with --postgres URL.
            """
    )

    @Option(help: "The SQLite store file to read.") var db: String
    @Option(help: "The PostgreSQL store to fill, postgres://USER@HOST[:PORT]/DATABASE (empty).") var postgres: String
    @Flag(help: "Print the rows copied per table as JSON.") var json = false

    func run() async throws {
        guard FileManager.default.fileExists(atPath: db) else { throw ValidationError("--db: no store at \(db)") }
        let source = try SQLiteSyncStorage(path: db)
        let target = try await PostgresSyncStorage(location: PostgresLocation(url: postgres))
        let counts = try await target.importStore(from: source)
        await target.close()
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            Swift.print(String(decoding: try encoder.encode(counts), as: UTF8.self))
        } else {
            for (table, count) in counts.sorted(by: { $0.key < $1.key }) { Swift.print("\(table): \(count) rows") }
        }
    }
}
