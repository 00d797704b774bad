import CRMModel
import CRMTestSupport
import Foundation
import GRDB
import LocalReplica
import SyncEngine
import SyncServer
import Testing

/// The durability settings docs/durability.md argues for; a weaker one fails here.
@Suite("Durability settings")
struct DurabilityTests {
    @Test func serverStoreCommitsEveryPushWithAFullSyncInWALMode() throws {
        let directory = try TemporaryDirectory("crm-durable")
        let settings = try SQLiteSyncStorage(path: directory.file("org.sqlite")).storageSettings()
        #expect(settings["journal_mode"] == "wal")
        #expect(settings["synchronous"] == "2", "an acknowledged push must survive a power cut: synchronous=FULL")
    }

    @Test func replicaUsesWALWithNormalSyncForeignKeysAndSecureDelete() throws {
        let directory = try TemporaryDirectory("crm-durable")
        let replica = try Replica.create(at: directory.file("office.crm"))
        let settings = try replica.storageSettings()
        #expect(settings == ["journal_mode": "wal", "synchronous": "1", "foreign_keys": "1", "secure_delete": "1"])
    }

    @Test func everyChangeAPushSendsIsInTheDatabaseFileBeforeItLeaves() throws {
        let fixture = try SyncFixture()
        let replica = try fixture.replica("kim")
        _ = try replica.write { try $0.addClient(NewClient(name: "Durable Kim 7731")) }
        // Committed with synchronous=NORMAL: in the WAL, not yet in the database file.
        #expect(try !FileBytes.contain("Durable Kim 7731", in: [replica.path]))
        _ = try SyncClient(replica: replica).pushAll()
        // Pushing checkpointed (and synced) the WAL into the file first.
        #expect(try FileBytes.contain("Durable Kim 7731", in: [replica.path]))
    }
}
