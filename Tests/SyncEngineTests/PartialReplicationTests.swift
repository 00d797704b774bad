import CRMModel
import CRMTestSupport
import Foundation
import GRDB
import LocalReplica
import SyncEngine
import SyncServer
import Testing

/// A replica holds only what its user may see (DESIGN.md's permission table), gains a
/// bucket whole when it is granted and purges it, down to the bytes of its files, when it
/// is revoked.
@Suite("Partial replication: buckets granted whole, revoked down to the bytes", .serialized)
struct PartialReplicationTests {
    /// Whether `text` appears in the replica file or its write-ahead log.
    private func bytes(of replica: Replica, contain text: String) throws -> Bool {
        try FileBytes.replica(replica.path, contains: text)
    }

    private func time(_ text: String) throws -> Timestamp { try Timestamp(parsing: text, field: "test") }

    @Test func reassignedClientsDetailsLeaveTheOldManagersFileAndArriveWholeAtTheNewOne() throws {
        let fixture = try SyncFixture()
        let executive = try fixture.replica("kim")
        let m1 = try fixture.replica("park", role: "manager")
        let m2 = try fixture.replica("choi", role: "manager")
        try fixture.sync(executive)  // learns of both managers
        let users = try DatabaseQueue(path: executive.path).read { db in
            try [String: String](uniqueKeysWithValues: Row.fetchAll(db, sql: "SELECT name, id FROM staff_user").map { ($0[0], $0[1]) })
        }
        let park = try #require(users["park"].flatMap(UserID.init)), choi = try #require(users["choi"].flatMap(UserID.init))
        let secret = "Father pays; mother must not be called at work"
        let (client, memo) = try executive.write { writer in
            let client = try writer.addClient(NewClient(name: "Kim Minji", assigneeID: park))
            let memo = try writer.addMemo(to: client, text: secret)
            let schedule = try writer.addSchedule(for: client, start: try time("2026-12-01T10:00:00Z"), end: try time("2026-12-01T11:00:00Z"))
            _ = try writer.writeJournal(for: schedule, text: "Session log: talked about school")
            return (client, memo)
        }
        try fixture.sync(executive, m1, m2)
        #expect(try m1.client(client).memos.map(\.text) == [secret])
        // M2 sees the card header only: the client, its schedule, no memo, no journal.
        #expect(try m2.client(client).memos.isEmpty)
        #expect(try m2.client(client).schedules.count == 1 && m2.client(client).schedules.first?.journal == nil)
        #expect(try !bytes(of: m2, contain: secret))

        try m1.write { try $0.editMemo(memo, text: "Prefers evenings") }   // offline
        try executive.write { try $0.assign(client, to: choi) }
        try fixture.sync(executive)
        _ = try SyncClient(replica: m1).sync()
        let rejected = try m1.rejectedChanges()
        #expect(rejected.map(\.reason) == ["forbidden_client"] && rejected.first?.value == "Prefers evenings")
        #expect(try m1.client(client).memos.isEmpty)
        #expect(try m1.client(client).schedules.first?.journal == nil)
        #expect(try !bytes(of: m1, contain: secret), "the memo text M1 last saw is still in its file or -wal")
        #expect(try !bytes(of: m1, contain: "Session log: talked about school"))

        try fixture.sync(m2)
        #expect(try m2.client(client).memos.map(\.text) == [secret])
        #expect(try m2.client(client).schedules.first?.journal == "Session log: talked about school")
    }

    @Test func generalStaffHoldEveryCardHeaderOfTheirBranchAndNoDetailsAtAll() throws {
        let fixture = try SyncFixture()
        let executive = try fixture.replica("kim")
        let desk = try fixture.replica("front", role: "general")
        let otherBranch = try executive.write { try $0.addBranch(name: "Busan") }
        let (here, there) = try executive.write { writer in
            let here = try writer.addClient(NewClient(name: "Kim Minji"))
            _ = try writer.addMemo(to: here, text: "Memo text nobody at the desk may read")
            _ = try writer.addLedgerEntry(client: here, kind: .payment, amount: 77_777, note: "Ledger note nobody at the desk may read")
            let schedule = try writer.addSchedule(for: here, start: try time("2026-12-01T10:00:00Z"), end: try time("2026-12-01T11:00:00Z"))
            _ = try writer.writeJournal(for: schedule, text: "Journal text nobody at the desk may read")
            let there = try writer.addClient(NewClient(name: "Park Busan-client", branchID: otherBranch))
            return (here, there)
        }
        try fixture.sync(executive, desk)
        #expect(try desk.clients().map(\.id) == [here.description])
        #expect(throws: ReplicaError.self) { try desk.client(there) }
        let card = try desk.client(here)
        #expect(card.status == "in_progress" && card.memos.isEmpty && card.ledger.isEmpty)
        for text in ["Memo text nobody", "Ledger note nobody", "Journal text nobody", "Park Busan-client"] {
            #expect(try !bytes(of: desk, contain: text), "\(text)")
        }
    }

    /// The staff id a replica belongs to.
    private func userID(of replica: Replica) throws -> String {
        try DatabaseQueue(path: replica.path).read { db in try String.fetchOne(db, sql: "SELECT user_id FROM replica_meta") } ?? ""
    }

    @Test func aClientMovedToAnotherBranchLeavesTheManagersReplicaAndTheirOfflineEditIsRefused() throws {
        let fixture = try SyncFixture()
        let executive = try fixture.replica("kim")
        let manager = try fixture.replica("park", role: "manager")
        try fixture.sync(executive)
        let park = try #require(UserID(try userID(of: manager)))
        let busan = try executive.write { try $0.addBranch(name: "Busan") }
        let client = try executive.write { try $0.addClient(NewClient(name: "Kim Minji", assigneeID: park)) }
        _ = try executive.write { try $0.addMemo(to: client, text: "Moving to Busan in spring") }
        try fixture.sync(executive, manager)
        #expect(try manager.client(client).memos.count == 1)
        try manager.write { try $0.editClient(client, ClientEdit(name: "Kim Min-ji")) }   // offline
        try executive.write { try $0.editClient(client, ClientEdit(branchID: busan)) }
        try fixture.sync(executive)
        _ = try SyncClient(replica: manager).sync()
        #expect(try manager.rejectedChanges().map(\.reason) == ["forbidden_client"])
        #expect(throws: ReplicaError.self) { try manager.client(client) }
        #expect(try !bytes(of: manager, contain: "Moving to Busan in spring"))
        try fixture.sync(executive)
        #expect(try executive.client(client).name == "Kim Minji")
    }

    @Test func aRoleChangeRevokesDetailsAtTheNextSyncAndAPromotionGrantsThemWhole() throws {
        let fixture = try SyncFixture()
        let executive = try fixture.replica("kim")
        let manager = try fixture.replica("park", role: "manager")
        try fixture.sync(executive)
        let park = try userID(of: manager)
        let (mine, theirs) = try executive.write { writer in
            let mine = try writer.addClient(NewClient(name: "Kim Minji", assigneeID: UserID(park)))
            _ = try writer.addMemo(to: mine, text: "Assigned memo text")
            let theirs = try writer.addClient(NewClient(name: "Lee Jun", assigneeID: UserID(try userID(of: executive))))
            _ = try writer.addMemo(to: theirs, text: "Somebody else's memo text")
            return (mine, theirs)
        }
        try fixture.sync(executive, manager)
        #expect(try manager.client(mine).memos.count == 1 && manager.client(theirs).memos.isEmpty)
        _ = try ServerProcess.admin(["set-role"] + fixture.server.storeArguments + ["--user", park, "--role", "general", "--json"], key: "role")
        try fixture.sync(manager)
        #expect(try manager.client(mine).memos.isEmpty)
        #expect(try !bytes(of: manager, contain: "Assigned memo text"))
        _ = try ServerProcess.admin(["set-role"] + fixture.server.storeArguments + ["--user", park, "--role", "executive", "--json"], key: "role")
        try fixture.sync(manager)
        #expect(try manager.client(mine).memos.map(\.text) == ["Assigned memo text"])
        #expect(try manager.client(theirs).memos.map(\.text) == ["Somebody else's memo text"])
    }

    @Test func conflictRecordsTravelWithTheirClientsDetailsAndTheirResolutionReachesEveryoneWhoHoldsThem() throws {
        let fixture = try SyncFixture()
        let kim = try fixture.replica("kim")
        let lee = try fixture.replica("lee")
        let manager = try fixture.replica("park", role: "manager")
        try fixture.sync(kim)
        let park = try #require(UserID(try userID(of: manager)))
        let client = try kim.write { try $0.addClient(NewClient(name: "Kim Minji", assigneeID: UserID(try userID(of: kim)))) }
        try fixture.sync(kim, lee, manager)
        // Two executives rename the card at once: a same-field conflict about the client.
        try kim.write { try $0.editClient(client, ClientEdit(name: "Kim Min-ji")) }
        try lee.write { try $0.editClient(client, ClientEdit(name: "Minji Kim")) }
        try fixture.sync(kim, lee, kim, manager)
        let record = try #require(try kim.conflicts().first)
        #expect(try manager.conflicts().isEmpty, "a manager read a conflict about a client not assigned to them")
        // Handed to the manager: the record arrives with the client's details.
        try kim.write { try $0.assign(client, to: park) }
        try fixture.sync(kim, manager)
        #expect(try manager.conflicts().map(\.id) == [record.id])
        // Resolved at the head office: the manager's copy is resolved too.
        try lee.write { try $0.resolveConflict(record.id, keep: .current) }
        try fixture.sync(lee, manager, kim)
        #expect(try manager.conflicts().isEmpty && manager.conflicts(includeResolved: true).map(\.id) == [record.id])
        #expect(try kim.conflicts().isEmpty)
    }

    @Test func aRevokePurgesEveryConflictRecordAboutTheClientEvenAboutRowsDeletedSince() throws {
        let fixture = try SyncFixture()
        let kim = try fixture.replica("kim")
        let lee = try fixture.replica("lee")
        let manager = try fixture.replica("park", role: "manager")
        try fixture.sync(kim)
        let park = try #require(UserID(try userID(of: manager)))
        let choi = try kim.write { try $0.addStaff(name: "Choi", role: .manager, branch: nil) }
        let (client, memo, schedule) = try kim.write { writer in
            let client = try writer.addClient(NewClient(name: "Kim Minji", assigneeID: park))
            let memo = try writer.addMemo(to: client, text: "Shared first words")
            let schedule = try writer.addSchedule(for: client, start: try time("2026-12-01T10:00:00Z"), end: try time("2026-12-01T11:00:00Z"))
            return (client, memo, schedule)
        }
        try fixture.sync(kim, lee)
        // Overlapping memo edits, and the same schedule field changed at once.
        try kim.write { try $0.editMemo(memo, text: "Overlap text Alpha 5521") }
        try lee.write { try $0.editMemo(memo, text: "Overlap text Beta 5521") }
        try kim.write { try $0.editSchedule(schedule, ScheduleEdit(room: "Room Alpha 7734")) }
        try lee.write { try $0.editSchedule(schedule, ScheduleEdit(room: "Room Beta 7734")) }
        try fixture.sync(kim, lee, kim, manager)
        #expect(try manager.conflicts().count >= 2)
        // The memo is deleted: its conflict record stays, about a row the manager no longer has.
        try kim.write { try $0.deleteMemo(memo) }
        try fixture.sync(kim, manager)
        #expect(try bytes(of: manager, contain: "Alpha 5521") && bytes(of: manager, contain: "Alpha 7734"))
        try kim.write { try $0.assign(client, to: choi) }
        try fixture.sync(kim, manager)
        // The schedule (card header) keeps the room that won; the one that lost lived only
        // in the conflict record.
        #expect(try manager.client(client).schedules.first?.room == "Room Beta 7734")
        for text in ["Alpha 5521", "Beta 5521", "Alpha 7734"] {
            #expect(try !bytes(of: manager, contain: text), "'\(text)' is still in the manager's file or -wal")
        }
        #expect(try manager.conflicts(includeResolved: true).isEmpty)
    }

    @Test(.enabled(if: !TestStore.isPostgres, "an upgrade of the SQLite store's own old rows"))
    func conflictRecordsMadeBeforeTheyCarriedTheirClientAreGivenItAndReachEveryReplica() throws {
        let fixture = try SyncFixture()
        let kim = try fixture.replica("kim")
        let lee = try fixture.replica("lee")
        let client = try kim.write { try $0.addClient(NewClient(name: "Kim Minji")) }
        try fixture.sync(kim, lee)
        try kim.write { try $0.editClient(client, ClientEdit(name: "Kim Min-ji")) }
        try lee.write { try $0.editClient(client, ClientEdit(name: "Minji Kim")) }
        try fixture.sync(kim, lee, kim)
        let record = try #require(try kim.conflicts().first).id
        // Made older: no client among its fields at the server nor on the replica (the v5
        // migration filled in only the server's stored client column).
        let server = try DatabaseQueue(path: fixture.server.db)
        try server.write { db in
            try db.execute(sql: "UPDATE record SET fields = json_remove(fields, '$.client_id') WHERE row_id = ?", arguments: [record])
        }
        try server.close()
        let replica = try DatabaseQueue(path: kim.path)
        try replica.write { db in try db.execute(sql: "UPDATE conflict SET client_id = NULL WHERE id = ?", arguments: [record]) }
        _ = try SQLiteSyncStorage(path: fixture.server.db)   // opening the store stamps it
        try fixture.sync(kim)
        let stamped = try replica.read { db in try String.fetchOne(db, sql: "SELECT client_id FROM conflict WHERE id = ?", arguments: [record]) }
        #expect(stamped == client.description)
    }

    @Test func aConflictRecordStaysWithTheManagerWhoSawItWhenItsClientIsDeletedLater() throws {
        let fixture = try SyncFixture()
        let kim = try fixture.replica("kim")
        let manager = try fixture.replica("park", role: "manager")
        let (client, schedule) = try kim.write { writer in
            let client = try writer.addClient(NewClient(name: "Kim Minji"))
            return (client, try writer.addSchedule(for: client, start: try time("2026-12-01T10:00:00Z"), end: try time("2026-12-01T11:00:00Z")))
        }
        try fixture.sync(kim, manager)
        // Park moves the session; the head office, not yet knowing, cancels it: the deletion
        // wins and Park's move is recorded. Park reads the record.
        try manager.write { try $0.editSchedule(schedule, ScheduleEdit(start: try time("2026-12-02T10:00:00Z"), end: try time("2026-12-02T11:00:00Z"))) }
        try fixture.sync(manager)
        try kim.write { try $0.deleteSchedule(schedule) }
        try fixture.sync(kim, manager)
        #expect(try manager.conflicts().map(\.kind) == ["edit_of_deleted"])
        // Then the client is deleted: what Park typed stays recorded on Park's workstation.
        try kim.write { try $0.deleteClient(client) }
        try fixture.sync(kim, manager)
        #expect(throws: ReplicaError.self) { try manager.client(client) }
        #expect(try manager.conflicts().map(\.kind) == ["edit_of_deleted"])
        #expect(try SQLDiff.diff(kim.path, manager.path, tables: ["conflict"]) == "")
    }
}
