import CRMModel
import CRMTestSupport
import Foundation
import GRDB
import LocalReplica
import SyncCore
import SyncEngine
import Testing

/// A hostile office worker with a valid token, curl and the wire format (issue 12): every
/// pushed change is checked against the row as it is now and the client it belongs to.
@Suite("Hostile staff: a valid token cannot take, read or forge what its user may not", .serialized)
struct HostileStaffTests {
    /// An organisation with one branch: executives Kim and Lee, managers Park (the
    /// attacker) and Choi, the front desk; Choi's client with a memo, a schedule and its
    /// journal, a planned call, an enrolment and a task; Park's own client.
    final class Office {
        let fixture: SyncFixture
        let kim: Replica, lee: Replica, park: Replica, desk: Replica
        let parkToken: String, deskToken: String
        let parkID: String, choiID: String
        let theirs: ClientID, mine: ClientID
        var rows: [String: String] = [:]

        init() throws {
            let fixture = try SyncFixture()
            let kim = try fixture.replica("kim")
            let park = try fixture.replica("park", role: "manager")
            let parkID = try DatabaseQueue(path: park.path).read { db in try String.fetchOne(db, sql: "SELECT user_id FROM replica_meta") } ?? ""
            let choi = try fixture.server.addUser("choi", role: "manager")
            try fixture.sync(kim)
            let start = try Timestamp(parsing: "2026-12-01T10:00:00Z", field: "test")
            var rows: [String: String] = [:]
            let (theirs, mine) = try kim.write { writer in
                let theirs = try writer.addClient(NewClient(name: "Choi's client", assigneeID: UserID(choi.id)))
                rows["memo"] = try writer.addMemo(to: theirs, text: "Choi's secret memo").description
                let schedule = try writer.addSchedule(for: theirs, start: start, end: Timestamp(unixMillis: start.unixMillis + 3_600_000))
                rows["schedule"] = schedule.description
                rows["journal"] = try writer.writeJournal(for: schedule, text: "Choi's session notes").description
                rows["planned_call"] = try writer.planCall(to: theirs, due: start, staff: nil, note: "Call about the debt").description
                let course = try writer.addCourse(name: "Art", capacity: 5, branch: nil, staff: nil)
                rows["enrolment"] = try writer.enrol(theirs, in: course).description
                rows["task"] = try writer.addTask(title: "Choi's task about the client", assignee: UserID(choi.id), due: nil, client: theirs).description
                let mine = try writer.addClient(NewClient(name: "Park's client", assigneeID: UserID(parkID)))
                return (theirs, mine)
            }
            self.fixture = fixture
            self.kim = kim
            self.park = park
            self.parkID = parkID
            choiID = choi.id
            self.theirs = theirs
            self.mine = mine
            self.rows = rows
            try fixture.sync(kim)
            lee = try fixture.replica("lee")
            desk = try fixture.replica("front", role: "general")
            parkToken = try DeviceCredentials.load(forReplica: park.path)
            deskToken = try DeviceCredentials.load(forReplica: desk.path)
            try fixture.sync(park)
        }

        /// Park's token, used by hand.
        func attacker() throws -> HostileDevice { try HostileDevice(url: fixture.server.url, token: parkToken) }
    }

    @Test func noChildRowMovesToAnotherClientSoAManagerCannotTakeSomeoneElsesRows() throws {
        let office = try Office()
        let park = try office.attacker()
        for entity in ["memo", "schedule", "journal", "planned_call", "enrolment", "task"] {
            let id = try #require(office.rows[entity])
            let ack = try park.push(entity, id, ["client_id": .text(office.mine.description)])
            #expect(ack.status == .rejected && ack.reason == "forbidden_move", "\(entity): \(ack)")
            // A schedule is part of the card header, which the whole branch reads: it stays
            // with Choi's client. Every other row stays unreadable.
            let read = try park.rows([RowsRequest.Key(e: entity, r: id)])
            if entity == "schedule" {
                #expect(read.values.first?["client_id"] == .text(office.theirs.description))
            } else {
                #expect(read.isEmpty, "\(entity) is readable by the manager")
            }
        }
        let pulled = try park.pullEverything()
        for entity in ["memo", "journal", "planned_call", "enrolment", "task"] {
            #expect(pulled[RowKey(entity, office.rows[entity]!)] == nil, "\(entity) reached the manager through the log")
        }
        // Nothing moved at the head office either.
        try office.fixture.sync(office.kim)
        #expect(try office.kim.client(office.theirs).memos.map(\.text) == ["Choi's secret memo"])
        #expect(try office.kim.client(office.mine).memos.isEmpty)
    }

    @Test func evenAnExecutiveDoesNotMoveARowToAnotherClient() throws {
        let office = try Office()
        let kim = try HostileDevice(url: office.fixture.server.url, token: try DeviceCredentials.load(forReplica: office.kim.path))
        let ack = try kim.push("memo", office.rows["memo"]!, ["client_id": .text(office.mine.description)])
        #expect(ack.status == .rejected && ack.reason == "forbidden_move")
    }

    @Test func aDeletedMemoOfAnotherManagersClientCannotBeRevivedOntoOnesOwn() throws {
        let office = try Office()
        try office.kim.write { try $0.deleteMemo(MemoID(office.rows["memo"]!)!) }
        try office.fixture.sync(office.kim)
        let park = try office.attacker()
        let ack = try park.push("memo", office.rows["memo"]!, ["client_id": .text(office.mine.description), "text": .text("revived")])
        #expect(ack.status == .rejected)
        let edit = try park.push("memo", office.rows["memo"]!, ["text": .text("revived in place")])
        #expect(edit.status == .rejected && edit.reason == "forbidden_client")
        #expect(try park.rows([RowsRequest.Key(e: "memo", r: office.rows["memo"]!)]).isEmpty)
    }

    @Test func aTaskIsNeverUnlinkedFromItsClientSoItNeverReachesTheWholeOrganisation() throws {
        let office = try Office()
        let park = try office.attacker()
        let ack = try park.push("task", office.rows["task"]!, ["client_id": .null])
        #expect(ack.status == .rejected && ack.reason == "forbidden_move")
        // Park's own task about Park's client cannot be unlinked either.
        let own = UUID().uuidString.lowercased()
        #expect(try park.push("task", own, ["title": .text("Mine"), "client_id": .text(office.mine.description)]).status == .applied)
        #expect(try park.push("task", own, ["client_id": .null]).reason == "forbidden_move")
        let desk = try HostileDevice(url: office.fixture.server.url, token: office.deskToken)
        let seen = try desk.pullEverything().keys.filter { $0.entity == "task" }
        #expect(seen.isEmpty, "the front desk reads tasks: \(seen)")
    }

    /// Two executives rename `client` at once: the server records a same-field conflict.
    private func conflict(about client: ClientID, in office: Office) throws -> String {
        try office.kim.write { try $0.editClient(client, ClientEdit(name: "Renamed at Kim's")) }
        try office.lee.write { try $0.editClient(client, ClientEdit(name: "Renamed at Lee's")) }
        try office.fixture.sync(office.kim, office.lee, office.kim)
        return try #require(try office.kim.conflicts().first { $0.entityId == client.description }).id
    }

    @Test func conflictRecordsAreMadeOnlyByTheServerAndResolvedOnlyByThoseWhoSeeTheirClient() throws {
        let office = try Office()
        let aboutTheirs = try conflict(about: office.theirs, in: office)
        let aboutMine = try conflict(about: office.mine, in: office)
        let park = try office.attacker()
        // A planted record (credited to the executive) that would hand Choi's client over.
        let planted = try park.push("conflict", UUID().uuidString.lowercased(), [
            "entity": .text("client"), "entity_id": .text(office.theirs.description), "field": .text("assignee_id"), "kind": .text("same_field"),
            "kept": .text(office.choiID), "other": .text(office.parkID), "created_at": .text("2026-11-28T10:00:00Z"),
            "client_id": .text(office.theirs.description),
        ])
        #expect(planted.status == .rejected && planted.reason == "forbidden_entity")
        // Re-targeting a record about Park's own client to read another's: refused.
        let retarget = try park.push("conflict", aboutMine, ["entity_id": .text(office.theirs.description)])
        #expect(retarget.status == .rejected && retarget.reason == "forbidden_field")
        // Resolving a record about a client Park does not see in full: refused.
        let resolveTheirs = try park.push("conflict", aboutTheirs, ["resolution": .text("current"), "resolved_at": .text("2026-11-28T10:00:00Z")])
        #expect(resolveTheirs.status == .rejected && resolveTheirs.reason == "forbidden_client")
        #expect(try park.rows([RowsRequest.Key(e: "conflict", r: aboutTheirs)]).isEmpty)
        // About Park's own client: an ordinary, permitted resolution.
        let resolveMine = try park.push("conflict", aboutMine, ["resolution": .text("current"), "resolved_at": .text("2026-11-28T10:00:00Z")])
        #expect(resolveMine.status == .applied)
        let deleted = try park.push("conflict", aboutMine, nil)
        #expect(deleted.status == .rejected && deleted.reason == "forbidden_entity")
    }

    @Test func aJournalMayNameOnlyAScheduleOfItsOwnClient() throws {
        let office = try Office()
        let park = try office.attacker()
        let ack = try park.push("journal", UUID().uuidString.lowercased(), [
            "client_id": .text(office.mine.description), "schedule_id": .text(office.rows["schedule"]!), "text": .text("Written on Choi's client's session"),
        ])
        #expect(ack.status == .rejected && ack.reason == "invalid_reference")
    }

    @Test func textLimitsCountBytesBesideCharactersAndRefuseControlCharactersAtTheServer() throws {
        let office = try Office()
        let park = try office.attacker()
        let branch = try #require(try office.kim.replicatedRows(of: ["client"])["client"]?[office.mine.description]?["branch_id"])
        let combining = "a" + String(repeating: "\u{0301}", count: 8_000)    // one character, 16 KB
        let cases: [(String, [String: FieldValue], String)] = [
            ("memo", ["client_id": .text(office.mine.description), "text": .text(String(repeating: combining, count: 2)), "created_at": .text("2026-11-28T10:00:00Z")], "too_long"),
            ("client", ["name": .text(String(repeating: combining, count: 200)), "branch_id": branch, "created_at": .text("2026-11-28T10:00:00Z")], "too_long"),
            ("client", ["name": .text("Kim\u{1B}[2J\u{1B}[31mHACKED"), "branch_id": branch, "created_at": .text("2026-11-28T10:00:00Z")], "control_character"),
            ("client", ["name": .text("Kim\nc0ffee  new  Forged line"), "branch_id": branch, "created_at": .text("2026-11-28T10:00:00Z")], "control_character"),
            ("memo", ["client_id": .text(office.mine.description), "text": .text("visible\u{0}hidden"), "created_at": .text("2026-11-28T10:00:00Z")], "control_character"),
        ]
        for (entity, fields, reason) in cases {
            let ack = try park.push(entity, UUID().uuidString.lowercased(), fields)
            #expect(ack.status == .rejected && ack.reason == reason, "\(entity): \(ack)")
        }
        // Lines and tabs belong in a memo.
        let memo = try park.push("memo", UUID().uuidString.lowercased(), [
            "client_id": .text(office.mine.description), "text": .text("First line\n\tSecond line"), "created_at": .text("2026-11-28T10:00:00Z"),
        ])
        #expect(memo.status == .applied)
    }

    @Test func aDoubleBookingAcrossBranchesGivesEachBranchATaskNamingOnlyItsOwnSchedules() throws {
        let fixture = try SyncFixture()
        let kim = try fixture.replica("kim")
        let park = try fixture.replica("park", role: "manager")
        try fixture.sync(kim)
        let busan = try kim.write { try $0.addBranch(name: "Busan") }
        try fixture.sync(kim)
        let choiID = try ServerProcess.admin(["add-user"] + fixture.server.storeArguments + ["--name", "choi", "--role", "manager", "--branch", busan.description, "--json"], key: "id")
        let choiToken = try ServerProcess.admin(["issue-token"] + fixture.server.storeArguments + ["--user", choiID, "--device", "choi-pc", "--json"], key: "token")
        let choi = try Replica.create(at: fixture.directory.file("choi.crm"))
        _ = try SyncClient.register(replica: choi, serverURL: fixture.server.url, token: choiToken, caFile: nil)
        let teacher = try #require(UserID(try DatabaseQueue(path: kim.path).read { db in try String.fetchOne(db, sql: "SELECT user_id FROM replica_meta") } ?? ""))
        let start = try Timestamp(parsing: "2026-12-01T10:00:00Z", field: "test"), end = try Timestamp(parsing: "2026-12-01T11:00:00Z", field: "test")
        let (here, there) = try kim.write { writer in
            let seoul = try writer.addClient(NewClient(name: "Seoul client"))
            let busanClient = try writer.addClient(NewClient(name: "Busan client", branchID: busan))
            return (try writer.addSchedule(for: seoul, start: start, end: end, staff: teacher), try writer.addSchedule(for: busanClient, start: start, end: end, staff: teacher))
        }
        try fixture.sync(kim, park, choi)
        let parkTasks = try park.tasks().filter { $0.kind == "booking_overlap" }
        let choiTasks = try choi.tasks().filter { $0.kind == "booking_overlap" }
        #expect(parkTasks.count == 1 && choiTasks.count == 1, "park \(parkTasks.map(\.title)), choi \(choiTasks.map(\.title))")
        // Each names its own branch's session by client and holds only its schedule's id.
        #expect(parkTasks.allSatisfy { $0.title.contains("Seoul client") && !$0.title.contains("Busan client") && $0.detail == here.description },
                "\(parkTasks.map(\.title))")
        #expect(choiTasks.allSatisfy { $0.title.contains("Busan client") && !$0.title.contains("Seoul client") && $0.title.contains("1 booking at another branch")
                                       && $0.detail == there.description }, "\(choiTasks.map(\.title))")
    }
}
