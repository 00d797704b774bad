import Foundation
import Synchronization

/// The outcome of running a program.
public struct CommandResult: Sendable {
    /// The exit status.
    public let status: Int32
    /// Everything written to stdout.
    public let stdout: String
    /// Everything written to stderr.
    public let stderr: String
    /// Whether the process was killed for running past its timeout.
    public var timedOut = false

    /// The JSON stdout decoded as `T`.
    public func json<T: Decodable>(_ type: T.Type = T.self) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(stdout.utf8))
    }
}

/// Runs the project's executables as separate processes, as office scripts do.
public enum CommandRunner {
    /// The folder holding the built products (`crm`, `crm-server`, …), beside the test
    /// bundle that is running.
    public static var productsDirectory: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path
    }

    /// Runs `product` (a built executable) with `arguments` and extra environment, in
    /// `directory` when given (else this process's). With
    /// `timeout`, a process still running after that many seconds is killed (SIGKILL) and
    /// its result says so (`timedOut`, status of the signal).
    public static func run(_ product: String, _ arguments: [String], environment: [String: String] = [:], timeout: Double? = nil,
                           directory: String? = nil) throws -> CommandResult {
        try runProgram(productsDirectory + "/" + product, arguments, environment: environment, timeout: timeout, directory: directory)
    }

    /// Runs the program at `path` (a system tool such as `psql`), as ``run(_:_:environment:timeout:directory:)`` runs a product.
    public static func runProgram(_ path: String, _ arguments: [String], environment: [String: String] = [:], timeout: Double? = nil,
                                  directory: String? = nil) throws -> CommandResult {
        let process = Process()
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "CRM_REPLICA")
        env.removeValue(forKey: "CRM_PHONE_REGION")
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let killed = Mutex(false)
        if let timeout {
            let pid = process.processIdentifier
            DispatchQueue.global().asyncAfter(deadline: .now() + timeout) { [process] in
                guard process.isRunning else { return }
                killed.withLock { $0 = true }
                kill(pid, SIGKILL)
            }
        }
        // Read both pipes before waiting, so a large output cannot block the child.
        let errData = LockedData()
        let errReader = Thread { errData.set(err.fileHandleForReading.readDataToEndOfFile()) }
        errReader.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !errData.isSet { usleep(1000) }
        return CommandResult(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                             stderr: String(decoding: errData.value, as: UTF8.self), timedOut: killed.withLock { $0 })
    }
}

extension CommandRunner {
    /// Starts `product` with `arguments` in the background, its output discarded (a daemon
    /// such as `crm sync --watch`); the caller stops it.
    public static func launch(_ product: String, _ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: productsDirectory + "/" + product)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }
}

extension CommandRunner {
    /// Starts `product` in the background and waits (up to `seconds`) for the first line it
    /// prints, such as the address `crm ui` or `crm-server serve` listens on.
    public static func launchReadingFirstLine(_ product: String, _ arguments: [String], seconds: Double = 30) throws -> (Process, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: productsDirectory + "/" + product)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var text = ""
        let deadline = Date().addingTimeInterval(seconds)
        while !text.contains("\n"), Date() < deadline {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        guard let line = text.split(separator: "\n").first.map(String.init) else {
            process.terminate()
            throw CLIError("\(product) printed nothing")
        }
        return (process, line)
    }
}

/// Data handed from a reader thread.
private final class LockedData: Sendable {
    private let data = Mutex<Data?>(nil)

    func set(_ value: Data) { data.withLock { $0 = value } }
    var isSet: Bool { data.withLock { $0 != nil } }
    var value: Data { data.withLock { $0 ?? Data() } }
}
