import CRMModel
import Foundation
import LocalReplica
import Synchronization
import ServerStore

/// Empty, migrated store and replica files, made once per process and copied by each run.
/// Every run's replicas share the four site ids of the templates; everything else a run
/// creates comes from its own seed.
final class SimTemplates: Sendable {
    let server: String
    let replicas: [String]

    private static let made = Mutex<SimTemplates?>(nil)

    private init(server: String, replicas: [String]) {
        self.server = server
        self.replicas = replicas
    }

    /// The process's templates, made on first use under `directory`.
    static func shared(in directory: String, startMillis: Int64) throws -> SimTemplates {
        try made.withLock { made in
            if let made { return made }
            let folder = (directory as NSString).appendingPathComponent("crm-sim-templates-\(getpid())")
            try? FileManager.default.removeItem(atPath: folder)
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let server = folder + "/server.sqlite"
            _ = try SQLiteSyncStorage(path: server)
            var replicas: [String] = []
            for index in 0..<4 {
                let path = folder + "/office\(index).crm"
                let clock = SimClock(startMillis)
                _ = try Replica.create(at: path, configuration: ReplicaConfiguration(
                    clock: clock, ids: UUIDv7Generator(now: { startMillis }, seed: 0x0ff1ce + UInt64(index))))
                replicas.append(path)
            }
            let templates = SimTemplates(server: server, replicas: replicas)
            made = templates
            return templates
        }
    }
}
