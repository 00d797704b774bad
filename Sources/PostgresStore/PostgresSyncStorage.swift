import CRMModel
import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import ServerStore
import SyncCore

/// The PostgreSQL store: any number of `crm-server` instances share one database. Every
/// rule runs in ``ServerStore``'s store-agnostic steps; this type leases connections,
/// runs transactions (retrying serialisation failures and deadlocks) and holds the SQL
/// (``PGRecords``). ADR 0008 and 0009 say how order, exactly-once and locks work.
public final class PostgresSyncStorage: SyncStorage {
    let client: PostgresClient
    /// Threads that run a transaction's synchronous rules while they wait on the database.
    let threads: NIOThreadPool
    let logger: Logger
    /// Makes the ids of rows the admin commands create.
    let ids: UUIDv7Generator
    /// Switches for the conflict rules.
    public let rules: PushPlanner.Rules
    private let running: Task<Void, Never>
    /// Announces new heads to the other instances.
    let announcer: HeadAnnouncer

    /// Connects, and creates or upgrades the tables.
    public init(location: PostgresLocation, ids: UUIDv7Generator = UUIDv7Generator(), rules: PushPlanner.Rules = .init(),
                logger: Logger = Logger(label: "crm.store.postgres")) async throws {
        let client = PostgresClient(configuration: location.configuration, backgroundLogger: logger)
        self.client = client
        self.ids = ids
        self.rules = rules
        self.logger = logger
        running = Task { await client.run() }
        announcer = HeadAnnouncer(client: client)
        threads = NIOThreadPool(numberOfThreads: location.configuration.options.maximumConnections)
        threads.start()
        do {
            try await session { try PostgresSchema.upgrade($0) }
        } catch {
            await close()
            throw StorageError("--postgres: cannot open the store at \(location): \(Self.describe(error))")
        }
    }

    /// Closes every connection and stops the threads.
    public func close() async {
        running.cancel()
        try? await threads.shutdownGracefully()
    }

    /// Runs `body` on a store thread with a leased connection.
    func session<T: Sendable>(_ body: @escaping @Sendable (PGSession) throws -> T) async throws -> T {
        let logger = logger
        let threads = threads
        return try await client.withConnection { connection in
            try await threads.runIfActive { try body(PGSession(connection: connection, logger: logger)) }
        }
    }

    /// Runs `body` in one transaction, again (after a short random pause) when the server
    /// broke a deadlock or a serialisation conflict.
    func transaction<T: Sendable>(_ isolation: String = "READ COMMITTED", _ body: @escaping @Sendable (PGSession) throws -> T) async throws -> T {
        var attempt = 0
        while true {
            do {
                return try await session { session in
                    try session.run("BEGIN ISOLATION LEVEL \(isolation)")
                    do {
                        let result = try body(session)
                        try session.run("COMMIT")
                        return result
                    } catch {
                        try? session.run("ROLLBACK")
                        throw error
                    }
                }
            } catch let error as PSQLError where error.isRetryable && attempt < 20 {
                attempt += 1
                try await Task.sleep(for: .milliseconds(Int.random(in: 1...(5 << min(attempt, 6)))))
            }
        }
    }

    /// A database error as one line (the server's message when it sent one).
    static func describe(_ error: any Error) -> String {
        if let error = error as? PSQLError {
            if let message = error.serverInfo?[.message] { return message }
            return "\(error.code)"
        }
        return "\(error)"
    }
}
