import CRMModel
import CRMTestSupport
import Foundation
import GRDB
import LocalReplica
import SyncEngine
import Testing

/// `crm-server admin migrate-store` (issue 14): an organisation moves from the SQLite
/// store to PostgreSQL, and its replicas keep syncing with the same cursors.
@Suite("Moving an organisation from SQLite to PostgreSQL", .serialized,
       .disabled(if: TestStore.isPostgres, "starts on SQLite by design: runs once, in the main pass"))
struct MigrateStoreTests {
    @Test func replicasKeepSyncingWithoutAResetAfterTheStoreMovesToPostgres() throws {
        let directory = try TemporaryDirectory("crm-migrate")
        let sqlite = try ServerProcess(in: directory, postgres: nil)
        let fixture = SyncFixture(server: sqlite, directory: directory)
        let kim = try fixture.replica("kim")
        let park = try fixture.replica("park", role: "manager")
        try fixture.sync(kim)
        let clients = try kim.write { writer in
            try (0..<200).map { index in
                let client = try writer.addClient(NewClient(name: "Client \(index)"))
                _ = try writer.addMemo(to: client, text: "memo \(index)")
                return client
            }
        }
        try kim.write { try $0.assign(clients[0], to: try userID(of: park)) }
        try fixture.sync(kim, park)
        #expect(try park.clientCount() > 0)
        #expect(sqlite.stop() == 0)

        let url = try PostgresCluster.shared().createDatabase("moved")
        let moved = try CommandRunner.run("crm-server", ["admin", "migrate-store", "--db", sqlite.db, "--postgres", url, "--json"])
        #expect(moved.status == 0, "\(moved.stderr)")
        let counts = try moved.json([String: Int].self)
        #expect(counts["record", default: 0] >= 400 && counts["device", default: 0] == 2, "\(counts)")
        // Into a database that holds rows already: refused, nothing changed.
        let again = try CommandRunner.run("crm-server", ["admin", "migrate-store", "--db", sqlite.db, "--postgres", url])
        #expect(again.status != 0 && again.stderr.contains("already holds"), "\(again.stderr)")

        // The same address, now on PostgreSQL: the replicas are not told.
        let postgres = try ServerProcess(postgres: url, branch: sqlite.branch, arguments: ["--port", String(sqlite.port)])
        #expect(postgres.port == sqlite.port)
        let quiet = try CommandRunner.run("crm", ["sync", "--replica", kim.path])
        #expect(quiet.status == 0 && quiet.stdout.contains("pushed 0 change(s), pulled 0"), "no reset, nothing pulled twice: \(quiet.stdout) \(quiet.stderr)")
        let added = try kim.write { try $0.addClient(NewClient(name: "After the move")) }
        try kim.write { try $0.assign(added, to: try userID(of: park)) }
        let pushed = try CommandRunner.run("crm", ["sync", "--replica", kim.path])
        #expect(pushed.status == 0, "\(pushed.stderr)")
        let pulled = try CommandRunner.run("crm", ["sync", "--replica", park.path])
        #expect(pulled.status == 0 && !pulled.stdout.contains("pulled 0"), "\(pulled.stdout)")
        #expect(try park.client(added).name == "After the move")
        let fresh = SyncFixture(server: postgres, directory: directory)
        let lee = try fresh.replica("lee")
        try fixture.sync(kim)
        let diff = try SQLDiff.diff(kim.path, lee.path)
        #expect(diff.isEmpty, "\(diff.prefix(1_500))")
    }

    private func userID(of replica: Replica) throws -> UserID {
        let id = try DatabaseQueue(path: replica.path).read { db in try String.fetchOne(db, sql: "SELECT user_id FROM replica_meta") } ?? ""
        return try UserID(parsing: id, field: "user")
    }
}
