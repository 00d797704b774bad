import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import SyncCore

/// A sync server on any store, running in the calling process on a free loopback port:
/// for benchmarks and tests that want the store at hand. Clients still reach it over real
/// HTTP. Several on one PostgreSQL store are several instances of a cluster.
public final class ServerInstance: Sendable {
    /// The store.
    public let store: any SyncStorage
    /// `http://127.0.0.1:PORT`.
    public let url: String
    private let task: Task<Void, any Error>

    /// Starts serving `store`.
    public init(store: any SyncStorage, configuration: ServerConfiguration = .init(port: 0)) async throws {
        self.store = store
        var logger = Logger(label: "crm.loopback")
        logger.logLevel = .critical
        let (stream, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = try buildSyncServer(storage: store, configuration: configuration, logger: logger, onListening: { continuation.yield($0) })
        task = Task { try await app.runService() }
        var port = 0
        for await bound in stream { port = bound; break }
        url = "http://127.0.0.1:\(port)"
    }

    /// Stops serving.
    public func stop() {
        task.cancel()
    }
}

/// A ``ServerInstance`` on a SQLite store in a new temporary directory: for benchmarks and
/// tests that want the store at hand (or a deliberately broken rule).
public final class LoopbackServer: Sendable {
    /// The store.
    public let storage: SQLiteSyncStorage
    /// `http://127.0.0.1:PORT`.
    public var url: String { instance.url }
    /// The temporary directory holding the store, removed by ``stop()``.
    public let directory: String
    private let instance: ServerInstance

    /// Starts a server whose store follows `rules`.
    public init(label: String, rules: PushPlanner.Rules = .init()) async throws {
        directory = NSTemporaryDirectory() + "crm-\(label)-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        storage = try SQLiteSyncStorage(path: directory + "/org.sqlite", rules: rules)
        instance = try await ServerInstance(store: storage)
    }

    /// Stops the server and removes its directory.
    public func stop() {
        instance.stop()
        try? FileManager.default.removeItem(atPath: directory)
    }
}
