import ArgumentParser
import Foundation
import Logging
import LocalReplica
import SyncCore
import SyncEngine

/// `crm init`: creates a replica file, standalone or registered with a server.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a new replica file (and register it with a server).",
        discussion: """
            With --server and --token: registers the new replica as this device's replica, then \
            pulls everything the device may see (the first sync). The token is kept beside the \
            replica in REPLICA.token (mode 0600). Without them: a standalone replica that works \
            offline only.
            """
    )

    @OptionGroup var options: ReplicaOptions
    @Option(help: "The sync server's URL, e.g. https://crm.example.org.") var server: String?
    @Option(help: "The device token from `crm-server admin issue-token`.") var token: String?
    @Option(help: "A PEM file of CAs to trust for the server (a private CA).") var caFile: String?

    func run() throws {
        try reportingFailures {
            guard (server == nil) == (token == nil) else { throw CLIFailure("--server and --token: give both, or neither for a standalone replica") }
            if let caFile, !FileManager.default.fileExists(atPath: caFile) { throw CLIFailure("--ca-file: no file at \(caFile)") }
            // Stored absolute: which CA is trusted must not depend on where crm runs later.
            let caFile = caFile.map { URL(fileURLWithPath: $0).standardizedFileURL.resolvingSymlinksInPath().path }
            let path = try options.replicaPath()
            let replica = try Replica.create(at: path, configuration: try options.configuration())
            if let server, let token {
                do {
                    let registration = try SyncClient.register(replica: replica, serverURL: server, token: token, caFile: caFile)
                    let report = try SyncClient(replica: replica, configuration: SyncConfiguration(progress: TerminalProgress.reporter())).sync()
                    FileHandle.standardError.write(Data("registered as \(registration.device) (\(registration.role)); pulled \(report.pulled) change(s)\n".utf8))
                } catch {
                    // Registration failed: leave nothing behind, as if init never ran.
                    for suffix in ["", "-wal", "-shm", ".token"] { try? FileManager.default.removeItem(atPath: path + suffix) }
                    throw error
                }
            }
            let status = try replica.status()
            options.output(status) { "created replica \(replica.path) (site \(replica.siteID))" }
        }
    }
}

extension SyncCommand {
    /// One sync pass, retried on transient failures (network, 5xx) with backoff; each
    /// attempt resumes where the last stopped, since every push and page is settled in its
    /// own transaction.
    static func syncRetrying(_ client: SyncClient, attempts: Int = 4) throws -> SyncReport {
        var random = SystemRandomNumberGenerator()
        for attempt in 1... {
            do {
                return try client.sync()
            } catch let error as SyncError where error.recovery == .retry && attempt < attempts {
                let delay = Backoff().delayMillis(attempt: attempt, using: &random)
                FileHandle.standardError.write(Data("crm: \(error.description); retrying in \(delay) ms\n".utf8))
                Thread.sleep(forTimeInterval: Double(delay) / 1000)
            }
        }
        fatalError("unreachable")
    }
}

/// `crm sync`: one pass, or the daemon.
struct SyncCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Push everything pending and pull everything new; with --watch, keep doing it.",
        discussion: """
            Exits 0 once the replica and the server are in step. --watch runs as the workstation's \
            daemon: live updates through a long poll, local writes (from any process) pushed \
            within a second, retries with backoff; it exits non-zero only when a person must act \
            (a revoked token, a refused protocol).
            """
    )

    @OptionGroup var options: ReplicaOptions
    @Flag(help: "Run continuously.") var watch = false
    @Option(help: "Changes per push (smaller for slow links).") var pushBatch = 1_000
    @Option(help: "Changes per pull page (smaller for slow links).") var pullPage = 5_000

    func run() throws {
        try reportingFailures {
            guard (1...5_000).contains(pushBatch) else { throw CLIFailure("--push-batch: must be within 1...5000") }
            guard (1...5_000).contains(pullPage) else { throw CLIFailure("--pull-page: must be within 1...5000") }
            let replica = try options.open()
            var configuration = SyncConfiguration(pushBatch: pushBatch, pullPage: pullPage)
            if watch {
                var logger = Logger(label: "crm.sync")
                logger.logLevel = .warning
                try SyncDaemon(replica: replica, configuration: configuration, logger: logger).run()
            }
            configuration.progress = TerminalProgress.reporter()
            let report = try Self.syncRetrying(SyncClient(replica: replica, configuration: configuration))
            options.output(report) {
                "pushed \(report.pushed) change(s)\(report.rejected > 0 ? " (\(report.rejected) refused: see crm rejected)" : ""), pulled \(report.pulled)"
            }
        }
    }
}

/// `crm status`: the outbox and sync state.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show pending changes, the last sync and the last error."
    )

    @OptionGroup var options: ReplicaOptions

    func run() throws {
        try reportingFailures {
            let status = try options.open().status()
            options.output(status) {
                """
                replica:   \(status.replica)
                site:      \(status.site)
                server:    \(status.server ?? "none (standalone)")
                pending:   \(status.pending) change(s)
                last sync: \(status.lastSync.map { LocalTime.text($0) } ?? "never")
                """ + (status.lastError.map { "\nlast error: \($0)" } ?? "")
                    + (status.purgePending ? "\npurge:     pending: revoked data is still in the write-ahead log while another program reads the replica" : "")
                    + (status.catchUp.map { "\npulling:   \(TerminalProgress.grouped($0.done)) of \(TerminalProgress.grouped($0.total)) changes" } ?? "")
            }
        }
    }
}
