import CRMModel
import CRMTestSupport
import Foundation
import LocalReplica
import SyncCore
import SyncEngine
import Testing

@Suite("Two replicas and the server over loopback HTTP through libcurl", .serialized)
struct ConvergenceTests {
    @Test func twoExecutivesEndWithIdenticalDataTablesAfterBothSync() throws {
        let fixture = try SyncFixture()
        let a = try fixture.replica("kim")
        let b = try fixture.replica("lee")
        let client = try a.write { try $0.addClient(NewClient(name: "Kim Minji", phones: ["+82 10 1234 5678"], tags: ["vip"])) }
        let schedule = try a.write { try $0.addSchedule(for: client, start: start, end: end, room: "Room 1") }
        try fixture.sync(a, b)
        // Concurrent edits: different fields, the same field, new rows on both sides.
        try a.write { try $0.editClient(client, ClientEdit(phones: ["+82 10 9999 0000"])) }
        try b.write { try $0.editClient(client, ClientEdit(name: "Kim Min-ji", birthDate: "2015-04-01")) }
        _ = try a.write { try $0.addMemo(to: client, text: "memo from A") }
        _ = try b.write { try $0.addMemo(to: client, text: "memo from B") }
        try b.write { try $0.markScheduleDone(schedule) }
        try a.write { try $0.addTag("new", to: client) }
        try fixture.sync(a, b, a)
        let diff = try SQLDiff.diff(a.path, b.path)
        #expect(diff == "")
        let card = try a.client(client)
        #expect(card.name == "Kim Min-ji")
        #expect(card.phones == ["+821099990000"])
        #expect(card.memos.map(\.text).sorted() == ["memo from A", "memo from B"])
        #expect(card.status == "completed")
        #expect(card.tags == ["new", "vip"])
        #expect(try a.status().pending == 0)
        #expect(try b.status().pending == 0)
    }

    @Test func laterTimestampWinsTheSameFieldAndTheLoserConverges() throws {
        let fixture = try SyncFixture()
        let a = try fixture.replica("kim")
        let b = try fixture.replica("lee")
        let client = try a.write { try $0.addClient(NewClient(name: "Original")) }
        try fixture.sync(a, b)
        try a.write { try $0.editClient(client, ClientEdit(name: "Older edit from A")) }
        Thread.sleep(forTimeInterval: 0.005)
        try b.write { try $0.editClient(client, ClientEdit(name: "Newer edit from B")) }
        // B pushes first; A's older edit then arrives and loses; A reads the row back.
        try fixture.sync(b, a, b)
        #expect(try a.client(client).name == "Newer edit from B")
        #expect(try SQLDiff.diff(a.path, b.path) == "")
    }

    @Test func deletionReachesTheOtherReplicaWithItsDependents() throws {
        let fixture = try SyncFixture()
        let a = try fixture.replica("kim")
        let b = try fixture.replica("lee")
        let client = try a.write { try $0.addClient(NewClient(name: "Leaving")) }
        _ = try a.write { try $0.addMemo(to: client, text: "note") }
        try fixture.sync(a, b)
        #expect(try b.client(client).memos.count == 1)
        try b.write { try $0.deleteClient(client) }
        try fixture.sync(b, a)
        #expect(throws: ReplicaError.self) { try a.client(client) }
        #expect(try SQLDiff.diff(a.path, b.path) == "")
    }

    @Test func editOfARowDeletedElsewhereLosesToTheDeletionAndIsKeptAsAConflict() throws {
        let fixture = try SyncFixture()
        let a = try fixture.replica("kim")
        let b = try fixture.replica("lee")
        let client = try a.write { try $0.addClient(NewClient(name: "Kim")) }
        try fixture.sync(a, b)
        try a.write { try $0.deleteClient(client) }
        try fixture.sync(a)
        try b.write { try $0.editClient(client, ClientEdit(name: "Edited offline")) }
        let report = try SyncClient(replica: b).sync()
        #expect(report.rejected == 0)
        #expect(try b.rejectedChanges().isEmpty)
        let conflicts = try b.conflicts()
        #expect(conflicts.map(\.kind) == ["edit_of_deleted"])
        #expect(conflicts.first?.other == #"{"name":"Edited offline"}"#)
        #expect(throws: ReplicaError.self) { try b.client(client) }
        #expect(try b.status().pending == 0)
        try fixture.sync(a)
        #expect(try SQLDiff.diff(a.path, b.path) == "")
    }

    @Test func newReplicaPullsEverythingOnItsFirstSync() throws {
        let fixture = try SyncFixture()
        let a = try fixture.replica("kim")
        try a.write { writer in
            for index in 0..<300 { _ = try writer.addClient(NewClient(name: "Client \(index)")) }
        }
        try fixture.sync(a)
        let late = try fixture.replica("park")
        #expect(try late.clients().count == 300)
        try fixture.sync(a)  // a learns of the new staff member
        #expect(try SQLDiff.diff(a.path, late.path) == "")
    }
}

