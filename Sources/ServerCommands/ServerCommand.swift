import ArgumentParser
import Foundation
import Logging
import PostgresStore
import ServiceLifecycle
import SyncServer

/// `crm-server`: the central sync server and its administration.
@available(macOS 14, *)
public struct ServerCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "crm-server",
        abstract: "The central sync server of the branch-office CRM.",
        subcommands: [Serve.self, Admin.self]
    )

    public init() {}
}

/// `crm-server serve`.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the sync protocol on an embedded SQLite store (--db) or on PostgreSQL (--postgres), where any number of instances share one database.",
        discussion: "Prints `listening on http://HOST:PORT` once it accepts connections. SIGTERM or SIGINT: stop accepting, finish requests in flight, close the store, exit 0."
    )

    @Option(help: "The SQLite store file (created if missing).") var db: String?
    @Option(help: "The PostgreSQL store, postgres://USER@HOST[:PORT]/DATABASE (tables created if missing).") var postgres: String?
    @Option(help: "The address to bind.") var host = "127.0.0.1"
    @Option(help: "The port; 0 binds a free one.") var port = 8080
    @Option(help: "Refuse changes stamped more than this many seconds ahead of the server's clock.") var maxSkewSeconds = 60
    @Option(help: "The longest a long-poll pull waits, in seconds.") var maxWaitSeconds = 30
    @Option(help: "Answer 408 to a request body that takes longer than this many seconds; close a connection silent for twice that.") var slowClientSeconds = 30
    @Option(help: "PEM file of the server's certificate chain: serve HTTPS (with --tls-key).") var tlsCert: String?
    @Option(help: "PEM file of the server's private key.") var tlsKey: String?

    func validate() throws {
        guard (db == nil) != (postgres == nil) else { throw ValidationError("give one store: --db PATH or --postgres URL") }
        guard (1...3600).contains(maxWaitSeconds) else { throw ValidationError("--max-wait-seconds: must be within 1...3600") }
        guard (1...3600).contains(slowClientSeconds) else { throw ValidationError("--slow-client-seconds: must be within 1...3600") }
        guard (tlsCert == nil) == (tlsKey == nil) else { throw ValidationError("--tls-cert and --tls-key go together") }
        for (name, path) in [("--tls-cert", tlsCert), ("--tls-key", tlsKey)] {
            if let path, !FileManager.default.isReadableFile(atPath: path) { throw ValidationError("\(name): cannot read \(path)") }
        }
    }

    func run() async throws {
        var logger = Logger(label: "crm.server")
        logger.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
        let storage: any SyncStorage
        if let postgres {
            do {
                storage = try await PostgresSyncStorage(location: PostgresLocation(url: postgres), logger: logger)
            } catch {
                throw ValidationError("\(error)")
            }
        } else {
            let db = db ?? ""
            do {
                storage = try SQLiteSyncStorage(path: db)
            } catch {
                throw ValidationError("--db: cannot open the store at \(db): \(error)")
            }
        }
        let host = host
        var configuration = ServerConfiguration(host: host, port: port, maxSkewMillis: Int64(maxSkewSeconds) * 1000,
                                                maxWaitSeconds: maxWaitSeconds, slowClientSeconds: slowClientSeconds)
        if let tlsCert, let tlsKey { configuration.tls = (tlsCert, tlsKey) }
        let scheme = configuration.tls == nil ? "http" : "https"
        let app: any Service
        do {
            app = try buildSyncServer(
                storage: storage,
                configuration: configuration,
                logger: logger,
                onListening: { port in
                    // One line, written straight to the file descriptor so it is never buffered.
                    FileHandle.standardOutput.write(Data("listening on \(scheme)://\(host):\(port)\n".utf8))
                }
            )
        } catch {
            throw ValidationError("--tls-cert/--tls-key: cannot load the certificate or key: \(error)")
        }
        let group = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
