import CRMModel
import CRMTestSupport
import Foundation
import GRDB
import LocalReplica
import SyncEngine
import SyncCore
import Testing

/// A real server process and replicas registered with it, in one temporary directory.
final class SyncFixture {
    let directory: TemporaryDirectory
    let server: ServerProcess

    init() throws {
        directory = try TemporaryDirectory("crm-sync")
        server = try ServerProcess(in: directory)
    }

    /// A new replica registered for a new staff member, after its first sync.
    func replica(_ name: String, role: String = "executive", serverURL: String? = nil) throws -> Replica {
        let user = try server.addUser(name, role: role)
        let replica = try Replica.create(at: directory.file("\(name).crm"), configuration: ReplicaConfiguration(ids: UUIDv7Generator()))
        _ = try SyncClient.register(replica: replica, serverURL: serverURL ?? server.url, token: user.token, caFile: nil)
        _ = try SyncClient(replica: replica).sync()
        return replica
    }

    /// Syncs each replica once, in order.
    func sync(_ replicas: Replica...) throws {
        for replica in replicas { _ = try SyncClient(replica: replica).sync() }
    }

    /// How many times the server's log holds each (site, seq) of `site`: every value is 1
    /// when nothing was applied twice.
    func logCounts(site: String) throws -> [Int64: Int] {
        let queue = try DatabaseQueue(path: server.db)
        defer { try? queue.close() }
        return try queue.read { db in
            var counts: [Int64: Int] = [:]
            for seq in try Int64.fetchAll(db, sql: "SELECT seq FROM change_log WHERE site = ?", arguments: [site]) { counts[seq, default: 0] += 1 }
            return counts
        }
    }

    /// The packed HLCs of `site`'s changes in the server's log, in order.
    func serverLog(site: String) throws -> [Int64] {
        let queue = try DatabaseQueue(path: server.db)
        defer { try? queue.close() }
        return try queue.read { db in
            try String.fetchAll(db, sql: "SELECT wire FROM change_log WHERE site = ? ORDER BY position", arguments: [site]).map {
                try JSONDecoder().decode(WireChange.self, from: Data($0.utf8)).hlc
            }
        }
    }

    /// The number of rows in the server's log.
    func logSize() throws -> Int {
        let queue = try DatabaseQueue(path: server.db)
        defer { try? queue.close() }
        return try queue.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM change_log") ?? -1 }
    }
}

let start = try! Timestamp(parsing: "2026-11-23T10:00Z")
let end = try! Timestamp(parsing: "2026-11-23T11:00Z")
