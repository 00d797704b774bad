import Foundation
import Synchronization

/// A real PostgreSQL server for tests: the one `CRM_TEST_POSTGRES` names (the URL of a
/// database the tests may create databases from), or one this process starts from
/// Debian's `postgresql` in a temporary directory (as the `postgres` user when running as
/// root, since `initdb` refuses root) and stops when it exits.
public final class PostgresCluster: Sendable {
    /// `postgres://USER@HOST:PORT`, without a database.
    public let server: String
    /// The port it listens on.
    public let port: Int
    private let dataDirectory: String?
    private let binDirectory: String

    private static let started = Mutex<PostgresCluster?>(nil)

    /// The cluster this test process uses, started on first use.
    public static func shared() throws -> PostgresCluster {
        try started.withLock { cluster in
            if let cluster { return cluster }
            let made = try PostgresCluster()
            cluster = made
            atexit { PostgresCluster.stopShared() }
            return made
        }
    }

    private static func stopShared() {
        started.withLock { cluster in
            guard let cluster, let data = cluster.dataDirectory else { return }
            cluster.stop()
            try? FileManager.default.removeItem(atPath: (data as NSString).deletingLastPathComponent)
        }
    }

    private init() throws {
        binDirectory = try Self.findBinDirectory()
        if let given = ProcessInfo.processInfo.environment["CRM_TEST_POSTGRES"], let url = URLComponents(string: given) {
            server = "postgres://\(url.user ?? "postgres")@\(url.host ?? "127.0.0.1"):\(url.port ?? 5432)"
            port = url.port ?? 5432
            dataDirectory = nil
            return
        }
        port = try FreePort.next()
        let directory = NSTemporaryDirectory() + "crm-pg-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let asRoot = getuid() == 0
        if asRoot { _ = try CommandRunner.runProgram("/bin/chown", ["postgres", directory]) }
        let data = directory + "/data"
        let initdb = try Self.asPostgres(asRoot, binDirectory + "/initdb", ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale"])
        guard initdb.status == 0 else { throw CLIError("initdb failed: \(initdb.stderr)") }
        let start = try Self.asPostgres(asRoot, binDirectory + "/pg_ctl", [
            "-D", data, "-w", "-l", directory + "/server.log", "-o",
            "-c listen_addresses=127.0.0.1 -p \(port) -k \(directory) -c fsync=off -c max_connections=300 -c shared_buffers=64MB",
            "start",
        ])
        guard start.status == 0 else { throw CLIError("pg_ctl start failed: \(start.stderr) \((try? String(contentsOfFile: directory + "/server.log", encoding: .utf8)) ?? "")") }
        dataDirectory = data
        server = "postgres://postgres@127.0.0.1:\(port)"
    }

    /// A new, empty database; its URL.
    public func createDatabase(_ prefix: String = "crm") throws -> String {
        let name = "\(prefix)_\(UUID().uuidString.prefix(12).lowercased().replacingOccurrences(of: "-", with: ""))"
        let result = try psql("postgres", ["-c", "CREATE DATABASE \(name)"])
        guard result.status == 0 else { throw CLIError("CREATE DATABASE failed: \(result.stderr)") }
        return "\(server)/\(name)"
    }

    /// Runs `psql` on a database with `arguments` (`-c SQL`, …), unaligned and tuples only.
    public func psql(_ database: String, _ arguments: [String]) throws -> CommandResult {
        try CommandRunner.runProgram("/usr/bin/psql", ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres", "-d", database, "-v", "ON_ERROR_STOP=1",
                                                       "-X", "-A", "-t", "-q"] + arguments)
    }

    /// Stops the server now, immediately (as a crash would), when this process started it.
    public func stop() {
        guard let dataDirectory else { return }
        _ = try? Self.asPostgres(getuid() == 0, binDirectory + "/pg_ctl", ["-D", dataDirectory, "-m", "immediate", "stop"])
    }

    /// Runs a PostgreSQL tool (as the `postgres` user when root), its output to a file: a
    /// server that `pg_ctl start` leaves running would hold a pipe open for ever. Spawned
    /// and awaited directly (posix_spawn, waitpid), not through Foundation's Process.
    private static func asPostgres(_ asRoot: Bool, _ program: String, _ arguments: [String]) throws -> CommandResult {
        let output = NSTemporaryDirectory() + "crm-pg-tool-\(UUID().uuidString).log"
        defer { try? FileManager.default.removeItem(atPath: output) }
        // From `/`: the postgres user may not enter the test's working directory.
        let argv = ["/bin/sh", "-c", "cd / && exec \"$@\"", "sh"] + (asRoot ? ["/usr/sbin/runuser", "-u", "postgres", "--", program] : [program]) + arguments
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let cArguments = argv.map { strdup($0) } + [nil]
        defer { cArguments.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, argv[0], &actions, nil, cArguments, environ)
        guard spawned == 0 else { throw CLIError("cannot run \(argv[0]) (error \(spawned))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        let exited = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return CommandResult(status: exited, stdout: text, stderr: text)
    }

    private static func findBinDirectory() throws -> String {
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).compactMap(Int.init).sorted()
        guard let newest = versions.last else { throw CLIError("PostgreSQL is not installed (apt-get install postgresql)") }
        return "\(root)/\(newest)/bin"
    }
}

/// Which store the suite's servers use: `CRM_TEST_STORE=postgres` runs them on PostgreSQL,
/// anything else on the embedded SQLite store.
public enum TestStore {
    /// Whether servers started by tests use PostgreSQL.
    public static var isPostgres: Bool { ProcessInfo.processInfo.environment["CRM_TEST_STORE"] == "postgres" }
}
