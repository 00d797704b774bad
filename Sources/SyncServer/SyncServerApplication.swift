import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOSSL
import SyncCore

/// Builds the sync server: the routes over `storage`, bound as `configuration` says.
///
/// ```swift
/// let storage = try SQLiteSyncStorage(path: "org.sqlite")
/// let app = buildSyncServer(storage: storage, configuration: .init(port: 0)) { port in print(port) }
/// try await app.runService()
/// ```
/// - Parameter onListening: called with the bound port once the server accepts connections.
/// - Throws: when the TLS certificate or key cannot be read.
public func buildSyncServer(
    storage: any SyncStorage,
    configuration: ServerConfiguration = .init(),
    logger: Logger = Logger(label: "crm.server"),
    clock: @escaping @Sendable () -> Int64 = { Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) },
    onListening: @escaping @Sendable (Int) async -> Void = { _ in }
) throws -> some ApplicationProtocol {
    let router = Router()
    router.add(middleware: StorageFailureMiddleware())
    SyncRoutes(storage: storage, configuration: configuration, feed: LiveFeed(storage: storage), clock: clock).add(to: router)
    let http1 = HTTP1Channel.Configuration(idleTimeout: .seconds(Int64(configuration.slowClientSeconds) * 2))
    var server = HTTPServerBuilder.http1(configuration: http1)
    if let tls = configuration.tls {
        let chain = try NIOSSLCertificate.fromPEMFile(tls.certificateChain).map { NIOSSLCertificateSource.certificate($0) }
        let key = try NIOSSLPrivateKey(file: tls.privateKey, format: .pem)
        var tlsConfiguration = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
        // TLS 1.0 and 1.1 are broken; nothing in an office needs them.
        tlsConfiguration.minimumTLSVersion = .tlsv12
        server = try .tls(.http1(configuration: http1), tlsConfiguration: tlsConfiguration)
    }
    return Application(
        router: router,
        server: server,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "crm-server"),
        onServerRunning: { channel in await onListening(channel.localAddress?.port ?? configuration.port) },
        logger: logger
    )
}
