import CRMModel
import CRMTestSupport
import GRDB
import LocalReplica
import SyncCore
import Foundation
import Testing

@Suite("Every write logs exactly the fields it changed")
struct ChangeLogTests {
    @Test func addingAClientLogsItsNonDefaultFieldsAndItsTags() throws {
        let directory = try TemporaryDirectory()
        let replica = try ReplicaFixtures.make(in: directory)
        let id = try replica.write {
            try $0.addClient(NewClient(name: "Kim Minji", phones: ["+82 10 1234 5678", "+7 912 345 67 89"], birthDate: "15.03.1987", tags: ["vip"]))
        }
        let changes = try replica.pendingChanges()
        #expect(changes.count == 2)
        #expect(changes[0].entity == .client)
        #expect(changes[0].rowID == id.description)
        #expect(Set(changes[0].fields.map(\.field)) == ["name", "phones", "birth_date", "created_at"])
        #expect(changes[0].value(of: "phones") == .text(#"["+821012345678","+79123456789"]"#))
        #expect(changes[0].value(of: "birth_date") == .text("1987-03-15"))
        #expect(changes[1].entity == .clientTag)
        #expect(changes[1].value(of: "tag") == .text("vip"))
        #expect(changes.map(\.seq) == [1, 2])
    }

    @Test func editingOneFieldLogsOnlyThatField() throws {
        let directory = try TemporaryDirectory()
        let replica = try ReplicaFixtures.make(in: directory)
        let id = try replica.write { try $0.addClient(NewClient(name: "Kim", phones: ["+821012345678"])) }
        try replica.write { try $0.editClient(id, ClientEdit(name: "Kim Minji", phones: ["+82 10 1234 5678"])) }
        let edit = try #require(try replica.pendingChanges().last)
        #expect(edit.operation == .set)
        #expect(edit.fields == [FieldAssignment("name", .text("Kim Minji"))])
    }

    @Test func editThatChangesNothingLogsNothing() throws {
        let directory = try TemporaryDirectory()
        let replica = try ReplicaFixtures.make(in: directory)
        let id = try replica.write { try $0.addClient(NewClient(name: "Kim")) }
        let before = try replica.pendingChanges().count
        try replica.write { try $0.editClient(id, ClientEdit(name: "  Kim ")) }
        #expect(try replica.pendingChanges().count == before)
    }

    @Test func markingAScheduleDoneLogsOnlyItsState() throws {
        let directory = try TemporaryDirectory()
        let replica = try ReplicaFixtures.make(in: directory)
        let client = try replica.write { try $0.addClient(NewClient(name: "Kim")) }
        let schedule = try replica.write {
            try $0.addSchedule(for: client, start: Timestamp(parsing: "2026-11-23T10:00Z"), end: Timestamp(parsing: "2026-11-23T11:00Z"))
        }
        try replica.write { try $0.markScheduleDone(schedule) }
        let last = try #require(try replica.pendingChanges().last)
        #expect(last.rowID == schedule.description)
        #expect(last.fields == [FieldAssignment("state", .text("done"))])
    }

    @Test func deletingAMemoLogsADeletion() throws {
        let directory = try TemporaryDirectory()
        let replica = try ReplicaFixtures.make(in: directory)
        let client = try replica.write { try $0.addClient(NewClient(name: "Kim")) }
        let memo = try replica.write { try $0.addMemo(to: client, text: "note") }
        try replica.write { try $0.deleteMemo(memo) }
        let last = try #require(try replica.pendingChanges().last)
        #expect(last.operation == .delete)
        #expect(last.entity == .memo)
        #expect(last.fields.isEmpty)
    }

    @Test func outboxViewShowsOneRowPerFieldForReportScripts() throws {
        let directory = try TemporaryDirectory()
        let replica = try ReplicaFixtures.make(in: directory)
        _ = try replica.write { try $0.addClient(NewClient(name: "Kim", emails: ["kim@example.com"])) }
        let rows = try DatabaseQueue(path: replica.path).read { db in
            try Row.fetchAll(db, sql: "SELECT seq, entity, op, field, value, site_id FROM outbox_change ORDER BY field")
        }
        #expect(rows.map { $0["field"] as String } == ["created_at", "emails", "name"])
        #expect(rows.allSatisfy { ($0["seq"] as Int64) == 1 && ($0["entity"] as String) == "client" && ($0["op"] as String) == "set" })
        #expect(rows.allSatisfy { ($0["site_id"] as String) == replica.siteID.description })
    }

    @Test func sequenceNumbersRunWithoutGapsAcrossTransactions() throws {
        let directory = try TemporaryDirectory()
        let replica = try ReplicaFixtures.make(in: directory)
        for index in 0..<5 { _ = try replica.write { try $0.addClient(NewClient(name: "Client \(index)", tags: ["a", "b"])) } }
        #expect(try replica.pendingChanges().map(\.seq) == Array(1...15))
        #expect(try replica.status().pending == 15)
    }
}

@Suite("A write that fails leaves neither row nor log entry")
struct FailedWriteTests {
    @Test func overlongMemoLeavesNoRowAndNoLogEntry() throws {
        let directory = try TemporaryDirectory()
        let replica = try ReplicaFixtures.make(in: directory)
        let client = try replica.write { try $0.addClient(NewClient(name: "Kim")) }
        let before = try ReplicaDump.dump(replica.path)
        #expect(throws: ModelError.self) { try replica.write { try $0.addMemo(to: client, text: String(repeating: "x", count: 1_001)) } }
        #expect(try ReplicaDump.dump(replica.path) == before)
    }

    @Test func failureLateInATransactionUndoesItsEarlierWrites() throws {
        let directory = try TemporaryDirectory()
        let replica = try ReplicaFixtures.make(in: directory)
        let before = try ReplicaDump.dump(replica.path)
        #expect(throws: ModelError.self) {
            try replica.write { writer in
                let client = try writer.addClient(NewClient(name: "Kim"))
                _ = try writer.addMemo(to: client, text: "fine")
                _ = try writer.addMemo(to: client, text: "")
            }
        }
        #expect(try ReplicaDump.dump(replica.path) == before)
        #expect(try replica.clients().isEmpty)
    }

    @Test func memoForUnknownClientNamesTheClient() throws {
        let directory = try TemporaryDirectory()
        let replica = try ReplicaFixtures.make(in: directory)
        let ghost: ClientID = UUIDv7Generator(seed: 3).next()
        let before = try ReplicaDump.dump(replica.path)
        let error = #expect(throws: ReplicaError.self) { try replica.write { try $0.addMemo(to: ghost, text: "hello") } }
        #expect(error?.code == .notFound)
        #expect(error?.message.contains(ghost.description) == true)
        #expect(try ReplicaDump.dump(replica.path) == before)
    }

    @Test func secondJournalForOneScheduleReplacesTheTextInsteadOfFailing() throws {
        let directory = try TemporaryDirectory()
        let replica = try ReplicaFixtures.make(in: directory)
        let client = try replica.write { try $0.addClient(NewClient(name: "Kim")) }
        let schedule = try replica.write {
            try $0.addSchedule(for: client, start: Timestamp(parsing: "2026-11-23T10:00Z"), end: Timestamp(parsing: "2026-11-23T11:00Z"))
        }
        let first = try replica.write { try $0.writeJournal(for: schedule, text: "first") }
        let second = try replica.write { try $0.writeJournal(for: schedule, text: "second") }
        #expect(first == second)
        #expect(try replica.client(client).schedules.first?.journal == "second")
    }
}

@Suite("The outbox in wire form")
struct PendingWireTests {
    @Test func pendingWireChangesDecodeToTheSameChangesAsTheOutbox() throws {
        let directory = try TemporaryDirectory()
        let replica = try ReplicaFixtures.make(in: directory)
        try replica.write { writer in
            let client = try writer.addClient(NewClient(name: "Kim \"Minji\" 상담", phones: ["+82 10 1234 5678"], tags: ["vip"]))
            _ = try writer.addMemo(to: client, text: "memo\n\t\"line two\" \\ 상담")
            try writer.deleteClient(client)
        }
        let wire = try replica.pendingWireChanges(limit: 10)
        let decoded = try wire.map { try JSONDecoder().decode(WireChange.self, from: Data($0.json.utf8)).rowChange }
        let expected = try replica.pendingChanges().map { WireChange($0).rowChange }
        #expect(decoded == expected)
        #expect(wire.map(\.seq) == [1, 2, 3, 4])
        #expect(try replica.pendingWireChanges(limit: 2).map(\.seq) == [1, 2])
    }
}
