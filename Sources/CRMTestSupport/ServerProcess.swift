import Foundation
import GRDB

/// A real `crm-server` started as a process on a free loopback port, with a store in a
/// temporary directory (or a new PostgreSQL database when ``TestStore/isPostgres``) and one
/// branch; stopped with SIGTERM when released.
public final class ServerProcess {
    /// The server's base URL, e.g. `http://127.0.0.1:40123`.
    public let url: String
    /// The bound port.
    public let port: Int
    /// The store file (SQLite).
    public let db: String
    /// The store's URL when it is PostgreSQL.
    public let postgres: String?
    /// The branch created at start.
    public let branch: String
    private let process: Process

    /// The store options of `crm-server serve` and `admin`: `--db PATH` or `--postgres URL`.
    public var storeArguments: [String] { postgres.map { ["--postgres", $0] } ?? ["--db", db] }

    /// Creates the store, adds a branch and starts `crm-server serve --port 0`; with
    /// `postgres`, on that database (by default a new one when the suite runs on PostgreSQL).
    public init(in directory: TemporaryDirectory, arguments: [String] = [], postgres: String? = nil) throws {
        db = directory.file("org.sqlite")
        let postgres = try postgres ?? (TestStore.isPostgres ? PostgresCluster.shared().createDatabase() : nil)
        self.postgres = postgres
        let store = postgres.map { ["--postgres", $0] } ?? ["--db", db]
        branch = try Self.admin(["add-branch"] + store + ["--name", "Head office", "--json"], key: "id")
        process = try Self.start(store + ["--port", "0"] + arguments)
        (url, port) = try Self.address(of: process)
    }

    /// Starts another instance on the same PostgreSQL store as `first` (a cluster).
    public init(joining first: ServerProcess, arguments: [String] = []) throws {
        db = first.db
        postgres = first.postgres
        branch = first.branch
        process = try Self.start(first.storeArguments + ["--port", "0"] + arguments)
        (url, port) = try Self.address(of: process)
    }

    /// Starts a server on an existing PostgreSQL store (one filled by `migrate-store`, say)
    /// whose branch is `branch`.
    public init(postgres: String, branch: String, arguments: [String] = []) throws {
        db = ""
        self.postgres = postgres
        self.branch = branch
        process = try Self.start(["--postgres", postgres, "--port", "0"] + arguments)
        (url, port) = try Self.address(of: process)
    }

    /// The process's id (to kill it as a crash would).
    public var processIdentifier: Int32 { process.processIdentifier }

    private static func start(_ serveArguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandRunner.productsDirectory + "/crm-server")
        process.arguments = ["serve"] + serveArguments
        process.standardOutput = Pipe()
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Reads the address a started server prints.
    private static func address(of process: Process) throws -> (String, Int) {
        guard let output = process.standardOutput as? Pipe else { throw CLIError("crm-server has no output pipe") }
        var line = ""
        let deadline = Date().addingTimeInterval(20)
        while !line.contains("\n"), Date() < deadline {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line += String(decoding: chunk, as: UTF8.self)
        }
        guard let range = line.range(of: "listening on ") else {
            process.terminate()
            throw CLIError("crm-server did not report its port; printed: \(line)")
        }
        let url = String(line[range.upperBound...].prefix { $0 != "\n" })
        return (url, Int(url.split(separator: ":").last ?? "") ?? 0)
    }

    deinit { stop() }

    /// Sends SIGTERM and waits for the process to exit; returns its exit status.
    @discardableResult
    public func stop() -> Int32 {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        return process.terminationStatus
    }

    /// Adds a staff member and issues a device token for them.
    public func addUser(_ name: String, role: String = "executive") throws -> (id: String, token: String) {
        let id = try Self.admin(["add-user"] + storeArguments + ["--name", name, "--role", role, "--branch", branch, "--json"], key: "id")
        let token = try Self.admin(["issue-token"] + storeArguments + ["--user", id, "--device", "\(name)-pc", "--json"], key: "token")
        return (id, token)
    }

    /// Runs `crm-server admin SUBCOMMAND` on this server's store with `arguments`, and
    /// returns the value of `key` in its JSON output.
    public func admin(_ subcommand: String, _ arguments: [String], key: String) throws -> String {
        try Self.admin([subcommand] + storeArguments + arguments, key: key)
    }

    /// Runs `crm-server admin …` and returns the value of `key` in its JSON output.
    public static func admin(_ arguments: [String], key: String) throws -> String {
        let result = try CommandRunner.run("crm-server", ["admin"] + arguments)
        guard result.status == 0, let value = try? result.json([String: String].self)[key] else {
            throw CLIError("crm-server admin \(arguments.first ?? ""): \(result.stderr)")
        }
        return value
    }
}

extension ServerProcess {
    /// The rows a query on the store gives, each as its columns' text (`NULL` as ""), in
    /// the order the query gives them. The SQL must read the same on both stores.
    public func query(_ sql: String) throws -> [[String]] {
        if let postgres, let url = URLComponents(string: postgres) {
            let result = try PostgresCluster.shared().psql(String(url.path.dropFirst()), ["-F", "\u{1F}", "-c", sql])
            guard result.status == 0 else { throw CLIError("psql: \(result.stderr)") }
            return result.stdout.split(separator: "\n", omittingEmptySubsequences: true).map { $0.split(separator: "\u{1F}", omittingEmptySubsequences: false).map(String.init) }
        }
        let queue = try DatabaseQueue(path: db)
        defer { try? queue.close() }
        return try queue.read { db in
            try Row.fetchAll(db, sql: sql).map { row in row.databaseValues.map { value in value.isNull ? "" : (String.fromDatabaseValue(value) ?? "\(value)") } }
        }
    }

    /// Every row of every table of the store, as text, to compare before and after.
    public func dumpStore() throws -> String {
        if postgres != nil {
            let tables = try query("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename").map { $0[0] }
            return try tables.map { table in
                "\(table)\n" + (try query("SELECT * FROM \(table) ORDER BY 1, 2")).map { $0.joined(separator: "|") }.joined(separator: "\n")
            }.joined(separator: "\n")
        }
        return try ReplicaDump.dump(db)
    }
}

/// A failure of a test helper, with what the program said.
public struct CLIError: Error, CustomStringConvertible {
    /// What went wrong.
    public let description: String
    /// Creates an error.
    public init(_ description: String) { self.description = description }
}
