import Foundation
import Hummingbird
import LocalReplica
import Logging
import ServiceLifecycle
import SyncEngine

/// `crm ui`: the office's web front end served by the workstation from its replica on
/// 127.0.0.1, with the sync daemon beside it in the same process. It keeps working while
/// the server is unreachable: every page reads and writes the replica.
public enum WorkstationServer {
    /// Serves until the process is stopped. Prints one line, `ui on http://HOST:PORT/login?key=KEY`,
    /// once connections are accepted; with `sync`, runs the daemon on threads of its own.
    public static func run(replica: Replica, host: String, port: Int, sync: Bool, logger: Logger) async throws {
        let access = UIAccess()
        let router = Router()
        router.add(middleware: UIGuard(access: access))
        UIRoutes(replica: replica, access: access).add(to: router)
        if sync, try replica.syncSettings() != nil {
            let daemon = SyncDaemon(replica: replica, logger: logger)
            Thread.detachNewThread {
                // Runs until a person must act (a revoked token); the pages say so.
                _ = try? daemon.run()
            }
        }
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: "crm-ui"),
            onServerRunning: { channel in
                let bound = channel.localAddress?.port ?? port
                access.bound(host: host, port: bound)
                FileHandle.standardOutput.write(Data("ui on http://\(host):\(bound)/login?key=\(access.key)\n".utf8))
            },
            logger: logger
        )
        try await app.runService()
    }
}
