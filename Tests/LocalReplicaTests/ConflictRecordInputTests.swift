import CRMModel
import CRMTestSupport
import GRDB
import LocalReplica
import SyncCore
import Testing

/// A conflict record comes from the server: whatever it names, nothing of it reaches SQL
/// text on the workstation (issue 12, finding 4).
@Suite("Conflict records from the wire never reach SQL text")
struct ConflictRecordInputTests {
    /// Puts a conflict record into the replica as a pull would (a hostile or broken server).
    private func plant(_ replica: Replica, about client: ClientID, field: String, other: String) throws -> String {
        let id = UUIDv7Generator().next().uuidString.lowercased()
        let queue = try DatabaseQueue(path: replica.path)
        try queue.write { db in
            try db.execute(sql: """
                INSERT INTO conflict (id, entity, entity_id, field, kind, kept, other, created_at)
                VALUES (?, 'client', ?, ?, 'same_field', 'x', ?, '2026-11-28T10:00:00Z')
                """, arguments: [id, client.description, field, other])
        }
        try queue.close()
        return id
    }

    @Test func aConflictNamingSQLInsteadOfAFieldIsRefusedByNameAndChangesNothing() throws {
        let directory = try TemporaryDirectory()
        let replica = try ReplicaFixtures.make(in: directory)
        let client = try replica.write { try $0.addClient(NewClient(name: "Kim Minji")) }
        let pending = try replica.status().pending
        for field in ["name = 'pwned', assignee_id", "name\" = 'pwned' --", "nonexistent"] {
            let id = try plant(replica, about: client, field: field, other: "Eve")
            let error = #expect(throws: ReplicaError.self) { try replica.write { try $0.resolveConflict(id, keep: .other) } }
            #expect(error?.description.contains("is not a field of client") == true, "\(error?.description ?? "")")
            #expect(try replica.client(client).name == "Kim Minji")
            #expect(try replica.status().pending == pending)
        }
    }
}
