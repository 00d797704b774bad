import CRMModel
import CRMTestSupport
import Foundation
import GRDB
import LocalReplica
import SyncEngine
import Testing

/// One test per row of the conflict table in DESIGN.md, each through two real replicas and
/// a real server (memo text merging and tags have their own suites).
@Suite("Conflict rules: two offices, one server, the DESIGN.md table", .serialized)
struct ConflictRuleTests {
    private func time(_ text: String) throws -> Timestamp { try Timestamp(parsing: text, field: "test") }

    /// Two offices that both hold `client`, synced.
    private func twoOffices() throws -> (SyncFixture, Replica, Replica, ClientID) {
        let fixture = try SyncFixture()
        let a = try fixture.replica("kim")
        let b = try fixture.replica("lee")
        let client = try a.write { try $0.addClient(NewClient(name: "Kim Minji")) }
        try fixture.sync(a, b)
        return (fixture, a, b, client)
    }

    /// A short pause so the next write's HLC is later than the previous one's.
    private func later() { Thread.sleep(forTimeInterval: 0.005) }

    /// Both offices rewrite the same words of one memo (a first, then b), then sync.
    private func overlappingMemoEdits() throws -> (SyncFixture, Replica, Replica, ClientID, MemoID) {
        let (fixture, a, b, client) = try twoOffices()
        let memo = try a.write { try $0.addMemo(to: client, text: "Prefers mornings.") }
        try fixture.sync(a, b)
        try a.write { try $0.editMemo(memo, text: "Prefers evenings.") }
        later()
        try b.write { try $0.editMemo(memo, text: "Prefers weekends.") }
        try fixture.sync(a, b, a)
        return (fixture, a, b, client, memo)
    }

    @Test func overlappingMemoEditsRaiseAConflictWithBothTextsAndAuthorsThatCanBeResolved() throws {
        let (fixture, a, b, client, memo) = try overlappingMemoEdits()
        let conflict = try #require(try a.conflicts().first)
        #expect(conflict.kind == "memo_overlap" && conflict.entityId == memo.description && conflict.field == "text")
        #expect(conflict.kept == "Prefers weekends." && conflict.other == "Prefers evenings.")
        #expect(conflict.keptAuthor != nil && conflict.otherAuthor != nil && conflict.keptAuthor != conflict.otherAuthor)
        #expect(conflict.keptHlc! > conflict.otherHlc!)
        try b.write { try $0.resolveConflict(conflict.id, keep: .other) }
        try fixture.sync(b, a)
        #expect(try a.client(client).memos.map(\.text) == ["Prefers evenings."])
        #expect(try a.conflicts().isEmpty)
        #expect(try a.conflicts(includeResolved: true).map(\.resolution) == ["other"])
        #expect(try SQLDiff.diff(a.path, b.path) == "")
    }

    @Test func editingAMemoByHandSettlesItsConflict() throws {
        let (fixture, a, b, _, memo) = try overlappingMemoEdits()
        #expect(try a.conflicts().count == 1)
        try a.write { try $0.editMemo(memo, text: "Prefers Saturday evenings.") }
        try fixture.sync(a, b)
        #expect(try b.conflicts().isEmpty)
        #expect(try b.conflicts(includeResolved: true).map(\.resolution) == ["edited"])
    }

    @Test func memoEditSurvivesAConcurrentDeleteAndTheDeletionIsRecorded() throws {
        for editFirst in [true, false] {
            let (fixture, a, b, client) = try twoOffices()
            let memo = try a.write { try $0.addMemo(to: client, text: "Allergic to nuts.") }
            try fixture.sync(a, b)
            try a.write { try $0.editMemo(memo, text: "Allergic to nuts and milk.") }
            try b.write { try $0.deleteMemo(memo) }
            if editFirst { try fixture.sync(a, b, a) } else { try fixture.sync(b, a, b) }
            for replica in [a, b] {
                #expect(try replica.client(client).memos.map(\.text) == ["Allergic to nuts and milk."], "edit first: \(editFirst)")
                #expect(try replica.conflicts().map(\.kind) == ["memo_delete_refused"], "edit first: \(editFirst)")
            }
            #expect(try SQLDiff.diff(a.path, b.path) == "", "edit first: \(editFirst)")
        }
    }

    @Test func scheduleChangesToDifferentFieldsBothApply() throws {
        let (fixture, a, b, client) = try twoOffices()
        let schedule = try a.write { try $0.addSchedule(for: client, start: try time("2026-12-01T10:00:00Z"), end: try time("2026-12-01T11:00:00Z")) }
        try fixture.sync(a, b)
        try a.write { try $0.editSchedule(schedule, ScheduleEdit(room: "Blue room")) }
        try b.write { try $0.editSchedule(schedule, ScheduleEdit(end: try time("2026-12-01T11:30:00Z"))) }
        try fixture.sync(a, b, a)
        let view = try #require(try a.client(client).schedules.first)
        #expect(view.room == "Blue room" && view.end == "2026-12-01T11:30:00Z")
        #expect(try a.conflicts().isEmpty)
        #expect(try SQLDiff.diff(a.path, b.path) == "")
    }

    @Test func scheduleSameFieldLaterStampWinsAndTheOtherValueIsKeptInTheConflict() throws {
        let (fixture, a, b, client) = try twoOffices()
        let schedule = try a.write { try $0.addSchedule(for: client, start: try time("2026-12-01T10:00:00Z"), end: try time("2026-12-01T11:00:00Z")) }
        try fixture.sync(a, b)
        try a.write { try $0.editSchedule(schedule, ScheduleEdit(room: "Blue room")) }
        later()
        try b.write { try $0.editSchedule(schedule, ScheduleEdit(room: "Green room")) }
        try fixture.sync(b, a, b)
        #expect(try a.client(client).schedules.first?.room == "Green room")
        let conflict = try #require(try a.conflicts().first)
        #expect(conflict.kind == "same_field" && conflict.field == "room" && conflict.kept == "Green room" && conflict.other == "Blue room")
        #expect(try SQLDiff.diff(a.path, b.path) == "")
    }

    @Test func scheduleDeletionWinsOverAnEditTakesItsSettlementAndKeepsItsJournal() throws {
        let (fixture, a, b, client) = try twoOffices()
        let schedule = try a.write { writer in
            let id = try writer.addSchedule(for: client, start: try time("2026-12-01T10:00:00Z"), end: try time("2026-12-01T11:00:00Z"))
            _ = try writer.addLedgerEntry(client: client, kind: .settlement, amount: 30_000, schedule: id)
            _ = try writer.writeJournal(for: id, text: "Worked on reading.")
            return id
        }
        try fixture.sync(a, b)
        #expect(try b.client(client).balance == -30_000)
        try a.write { try $0.editSchedule(schedule, ScheduleEdit(room: "Blue room")) }
        later()
        try b.write { try $0.deleteSchedule(schedule) }
        try fixture.sync(a, b, a)
        for replica in [a, b] {
            #expect(try replica.client(client).schedules.isEmpty)
            #expect(try replica.client(client).balance == 0)
            #expect(try replica.conflicts().map(\.kind) == ["edit_of_deleted"])
            #expect(try replica.conflicts().first?.other == #"{"room":"Blue room"}"#)
        }
        let journals = try DatabaseQueue(path: a.path).read { db in try String.fetchAll(db, sql: "SELECT text FROM journal") }
        #expect(journals == ["Worked on reading."])
        #expect(try SQLDiff.diff(a.path, b.path) == "")
    }

    @Test func doubleBookingsAtTwoOfficesAreBothKeptAndTheBranchGetsATaskNamingBoth() throws {
        let (fixture, a, b, client) = try twoOffices()
        let other = try a.write { try $0.addClient(NewClient(name: "Lee Jun")) }
        let teacher = try a.write { try $0.addStaff(name: "Park", role: .manager, branch: nil) }
        try fixture.sync(a, b)
        let first = try a.write { try $0.addSchedule(for: client, start: try time("2026-12-01T10:00:00Z"), end: try time("2026-12-01T11:00:00Z"), staff: teacher) }
        let second = try b.write { try $0.addSchedule(for: other, start: try time("2026-12-01T10:30:00Z"), end: try time("2026-12-01T11:30:00Z"), staff: teacher) }
        try fixture.sync(a, b, a)
        #expect(try a.client(client).schedules.count == 1 && a.client(other).schedules.count == 1)
        let tasks = try a.tasks().filter { $0.kind == "booking_overlap" }
        #expect(tasks.count == 1)
        #expect(tasks.first.map { ($0.detail ?? "").contains(first.description) && ($0.detail ?? "").contains(second.description) } == true)
        #expect(tasks.first?.title == "Park is booked twice at once: sessions of Kim Minji and Lee Jun", "names, not ids: \(tasks.first?.title ?? "")")
        #expect(try SQLDiff.diff(a.path, b.path) == "")
    }

    @Test func classSessionOverCapacityIsKeptAndRaisesATask() throws {
        let (fixture, a, b, client) = try twoOffices()
        let other = try a.write { try $0.addClient(NewClient(name: "Lee Jun")) }
        let course = try a.write { try $0.addCourse(name: "Reading group", capacity: 1, branch: nil, staff: nil) }
        try fixture.sync(a, b)
        _ = try a.write { try $0.addSchedule(for: client, start: try time("2026-12-01T10:00:00Z"), end: try time("2026-12-01T11:00:00Z"), course: course) }
        _ = try b.write { try $0.addSchedule(for: other, start: try time("2026-12-01T10:00:00Z"), end: try time("2026-12-01T11:00:00Z"), course: course) }
        try fixture.sync(a, b, a)
        #expect(try a.tasks().map(\.kind) == ["over_capacity"])
        let title = try a.tasks().first?.title ?? ""
        #expect(title == "Class Reading group at 2026-12-01T10:00:00.000Z is over capacity: sessions of Kim Minji and Lee Jun"
                || (title.hasPrefix("Class Reading group at 2026-12-01T10:00") && title.hasSuffix("is over capacity: sessions of Kim Minji and Lee Jun")), "\(title)")
        #expect(try SQLDiff.diff(a.path, b.path) == "")
    }

    @Test func concurrentAssignmentsLaterStampWinsTheOtherIsRecordedAndBothStaffGetANotice() throws {
        let (fixture, a, b, client) = try twoOffices()
        let park = try a.write { try $0.addStaff(name: "Park", role: .manager, branch: nil) }
        let choi = try a.write { try $0.addStaff(name: "Choi", role: .manager, branch: nil) }
        try fixture.sync(a, b)
        try a.write { try $0.assign(client, to: park) }
        later()
        try b.write { try $0.assign(client, to: choi) }
        try fixture.sync(a, b, a)
        #expect(try a.client(client).assignee == choi.description)
        let conflict = try #require(try a.conflicts().first)
        #expect(conflict.kind == "same_field" && conflict.field == "assignee_id" && conflict.kept == choi.description && conflict.other == park.description)
        let notices = try a.tasks().filter { $0.kind == "assignee_notice" }
        #expect(Set(notices.compactMap(\.assignee)) == [park.description, choi.description])
        #expect(try SQLDiff.diff(a.path, b.path) == "")
    }

    @Test func clientStatusIsDerivedOnEveryReplicaAndABookingForAClientArchivedMeanwhileIsKeptAndFlagged() throws {
        for archiveFirst in [true, false] {
            let (fixture, a, b, client) = try twoOffices()
            _ = try a.write { try $0.addSchedule(for: client, start: try time("2026-12-01T10:00:00Z"), end: try time("2026-12-01T11:00:00Z")) }
            try fixture.sync(a, b)
            #expect(try b.client(client).status == "in_progress")
            try a.write { try $0.archiveClient(client, reason: "Moved away") }
            let late = try b.write { try $0.addSchedule(for: client, start: try time("2026-12-08T10:00:00Z"), end: try time("2026-12-08T11:00:00Z")) }
            if archiveFirst { try fixture.sync(a, b, a) } else { try fixture.sync(b, a, b) }
            for replica in [a, b] {
                let card = try replica.client(client)
                #expect(card.status == "archived", "archive first: \(archiveFirst)")
                #expect(card.schedules.map(\.id) == [late.description], "archive first: \(archiveFirst)")
                #expect(try replica.tasks().map(\.kind) == ["archived_booking"], "archive first: \(archiveFirst)")
                #expect(try replica.tasks().first?.detail == late.description, "archive first: \(archiveFirst)")
                #expect(try replica.tasks().first?.title == "A session at 2026-12-08 10:00 UTC was booked for archived client Kim Minji", "archive first: \(archiveFirst)")
            }
            #expect(try SQLDiff.diff(a.path, b.path) == "", "archive first: \(archiveFirst)")
        }
    }

    @Test func concurrentDeductionsBothCountAndAnOverdraftShowsAsADebt() throws {
        let (fixture, a, b, client) = try twoOffices()
        _ = try a.write { try $0.addLedgerEntry(client: client, kind: .payment, amount: 50_000) }
        try fixture.sync(a, b)
        _ = try a.write { try $0.addLedgerEntry(client: client, kind: .deduction, amount: 30_000) }
        _ = try b.write { try $0.addLedgerEntry(client: client, kind: .deduction, amount: 30_000) }
        try fixture.sync(a, b, a)
        for replica in [a, b] {
            let card = try replica.client(client)
            #expect(card.ledger.map(\.kind).sorted() == ["deduction", "deduction", "payment"])
            #expect(card.balance == -10_000)
        }
        #expect(try SQLDiff.diff(a.path, b.path) == "")
    }

    @Test func clientDeletionWinsOverAConcurrentEditAndTheEditIsRecorded() throws {
        for deleteFirst in [true, false] {
            let (fixture, a, b, client) = try twoOffices()
            try a.write { try $0.editClient(client, ClientEdit(name: "Kim Min-ji")) }
            later()
            try b.write { try $0.deleteClient(client) }
            if deleteFirst { try fixture.sync(b, a, b) } else { try fixture.sync(a, b, a) }
            for replica in [a, b] {
                #expect(throws: ReplicaError.self) { try replica.client(client) }
                let conflicts = try replica.conflicts()
                #expect(conflicts.map(\.kind) == ["edit_of_deleted"], "delete first: \(deleteFirst)")
                #expect(conflicts.first?.other == #"{"name":"Kim Min-ji"}"#, "delete first: \(deleteFirst)")
            }
            #expect(try SQLDiff.diff(a.path, b.path) == "", "delete first: \(deleteFirst)")
        }
    }
}
