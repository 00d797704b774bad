import Foundation
import Hummingbird
import Logging
import SyncCore

/// Builds the sync server: the routes over `storage`, bound as `configuration` says.
///
/// ```swift
/// let storage = try SQLiteSyncStorage(path: "org.sqlite")
/// let app = buildSyncServer(storage: storage, configuration: .init(port: 0)) { port in print(port) }
/// try await app.runService()
/// ```
/// - Parameter onListening: called with the bound port once the server accepts connections.
public func buildSyncServer(
    storage: any SyncStorage,
    configuration: ServerConfiguration = .init(),
    logger: Logger = Logger(label: "crm.server"),
    clock: @escaping @Sendable () -> Int64 = { Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) },
    onListening: @escaping @Sendable (Int) async -> Void = { _ in }
) -> some ApplicationProtocol {
    let router = Router()
    SyncRoutes(storage: storage, configuration: configuration, notifier: ChangeNotifier(), clock: clock).add(to: router)
    return Application(
        router: router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "crm-server"),
        onServerRunning: { channel in await onListening(channel.localAddress?.port ?? configuration.port) },
        logger: logger
    )
}
