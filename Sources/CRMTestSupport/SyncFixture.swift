import CRMModel
import Foundation
import GRDB
import LocalReplica
import SyncEngine
import SyncCore

/// A real server process and replicas registered with it, in one temporary directory.
public final class SyncFixture {
    /// Where the store and the replicas live.
    public let directory: TemporaryDirectory
    /// The server.
    public let server: ServerProcess

    /// Starts a server in a new temporary directory.
    public init() throws {
        directory = try TemporaryDirectory("crm-sync")
        server = try ServerProcess(in: directory)
    }

    /// Uses a server already started (one instance of a cluster) and its directory.
    public init(server: ServerProcess, directory: TemporaryDirectory) {
        self.directory = directory
        self.server = server
    }

    /// A new replica registered for a new staff member, after its first sync.
    public func replica(_ name: String, role: String = "executive", serverURL: String? = nil) throws -> Replica {
        let user = try server.addUser(name, role: role)
        let replica = try Replica.create(at: directory.file("\(name).crm"), configuration: ReplicaConfiguration(ids: UUIDv7Generator()))
        _ = try SyncClient.register(replica: replica, serverURL: serverURL ?? server.url, token: user.token, caFile: nil)
        _ = try SyncClient(replica: replica).sync()
        return replica
    }

    /// Syncs each replica once, in order.
    public func sync(_ replicas: Replica...) throws {
        for replica in replicas { _ = try SyncClient(replica: replica).sync() }
    }

    /// How many times the server's log holds each (site, seq) of `site`: every value is 1
    /// when nothing was applied twice.
    public func logCounts(site: String) throws -> [Int64: Int] {
        var counts: [Int64: Int] = [:]
        for row in try server.query("SELECT seq FROM change_log WHERE site = '\(site)'") { counts[Int64(row[0]) ?? -1, default: 0] += 1 }
        return counts
    }

    /// The packed HLCs of `site`'s changes in the server's log, in order.
    public func serverLog(site: String) throws -> [Int64] {
        try server.query("SELECT wire FROM change_log WHERE site = '\(site)' ORDER BY position").map {
            try JSONDecoder().decode(WireChange.self, from: Data($0[0].utf8)).hlc
        }
    }
}
