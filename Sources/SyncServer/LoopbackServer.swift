import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import SyncCore

/// A sync server running in the calling process on a free loopback port, with its store in
/// a new temporary directory: for benchmarks and tests that want the store at hand (or a
/// deliberately broken rule). Clients still reach it over real HTTP.
public final class LoopbackServer: Sendable {
    /// The store.
    public let storage: SQLiteSyncStorage
    /// `http://127.0.0.1:PORT`.
    public let url: String
    /// The temporary directory holding the store, removed by ``stop()``.
    public let directory: String
    private let task: Task<Void, any Error>

    /// Starts a server whose store follows `rules`.
    public init(label: String, rules: PushPlanner.Rules = .init()) async throws {
        directory = NSTemporaryDirectory() + "crm-\(label)-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        storage = try SQLiteSyncStorage(path: directory + "/org.sqlite", rules: rules)
        var logger = Logger(label: "crm.loopback")
        logger.logLevel = .critical
        let (stream, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = try buildSyncServer(storage: storage, configuration: .init(port: 0), logger: logger, onListening: { continuation.yield($0) })
        task = Task { try await app.runService() }
        var port = 0
        for await bound in stream { port = bound; break }
        url = "http://127.0.0.1:\(port)"
    }

    /// Stops the server and removes its directory.
    public func stop() {
        task.cancel()
        try? FileManager.default.removeItem(atPath: directory)
    }
}
