import ArgumentParser
import Foundation
import Logging
import WorkstationUI

/// `crm ui`: the office's web front end on this workstation, with the sync daemon.
struct UICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ui",
        abstract: "Serve the office's web front end from this replica (and sync beside it).",
        discussion: """
            Prints one line, `ui on http://HOST:PORT/login?key=KEY`: open it in the workstation's \
            browser. Pages read and write the replica, so they keep working while the server is \
            unreachable; what the sync brings in appears on open pages by itself.
            """
    )

    @OptionGroup var options: ReplicaOptions
    @Option(help: "The address to listen on (this machine only, by default).") var host = "127.0.0.1"
    @Option(help: "The port; 0 picks a free one.") var port = 8090
    @Flag(help: "Do not run the sync daemon in this process.") var noSync = false

    func run() throws {
        try reportingFailures {
            guard (0...65_535).contains(port) else { throw CLIFailure("--port: must be within 0...65535") }
            let replica = try options.open()
            var logger = Logger(label: "crm.ui")
            logger.logLevel = .warning
            let done = DispatchSemaphore(value: 0)
            let failure = LockedFailure()
            let (host, port, sync) = (host, port, !noSync)
            Task {
                do {
                    try await WorkstationServer.run(replica: replica, host: host, port: port, sync: sync, logger: logger)
                } catch {
                    failure.set("\(error)")
                }
                done.signal()
            }
            done.wait()
            if let message = failure.value { throw CLIFailure("ui: \(message)") }
        }
    }
}

/// A failure handed from the server's task to the command's thread.
private final class LockedFailure: @unchecked Sendable {
    private let lock = NSLock()
    private var message: String?
    func set(_ text: String) { lock.lock(); message = text; lock.unlock() }
    var value: String? { lock.lock(); defer { lock.unlock() }; return message }
}
