import Foundation

/// A real `crm-server` started as a process on a free loopback port, with a store in a
/// temporary directory and one branch; stopped with SIGTERM when released.
public final class ServerProcess {
    /// The server's base URL, e.g. `http://127.0.0.1:40123`.
    public let url: String
    /// The bound port.
    public let port: Int
    /// The store file.
    public let db: String
    /// The branch created at start.
    public let branch: String
    private let process: Process

    /// Creates the store, adds a branch and starts `crm-server serve --port 0`.
    public init(in directory: TemporaryDirectory, arguments: [String] = []) throws {
        db = directory.file("org.sqlite")
        branch = try Self.admin(["add-branch", "--db", db, "--name", "Head office", "--json"], key: "id")
        process = Process()
        process.executableURL = URL(fileURLWithPath: CommandRunner.productsDirectory + "/crm-server")
        process.arguments = ["serve", "--db", db, "--port", "0"] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
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
        url = String(line[range.upperBound...].prefix { $0 != "\n" })
        port = Int(url.split(separator: ":").last ?? "") ?? 0
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
        let id = try Self.admin(["add-user", "--db", db, "--name", name, "--role", role, "--branch", branch, "--json"], key: "id")
        let token = try Self.admin(["issue-token", "--db", db, "--user", id, "--device", "\(name)-pc", "--json"], key: "token")
        return (id, token)
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

/// A failure of a test helper, with what the program said.
public struct CLIError: Error, CustomStringConvertible {
    /// What went wrong.
    public let description: String
    /// Creates an error.
    public init(_ description: String) { self.description = description }
}
