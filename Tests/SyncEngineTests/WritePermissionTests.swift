import CRMModel
import CRMTestSupport
import Foundation
import GRDB
import LocalReplica
import SyncEngine
import SyncServer
import Testing

/// The server checks every pushed change against its author's rights (DESIGN.md's
/// permission table); a refused change is rolled back on the author's replica, listed in
/// its rejected list and in the server's audit, and reaches nobody else.
@Suite("Write permissions: refused at the server, rolled back, listed, never spread", .serialized)
struct WritePermissionTests {
    /// The staff id a replica belongs to.
    private func userID(of replica: Replica) throws -> String {
        try DatabaseQueue(path: replica.path).read { db in try String.fetchOne(db, sql: "SELECT user_id FROM replica_meta") } ?? ""
    }

    @Test func aManagersWorkstationRefusesAClientDeletionAtOnceWithTheServersReason() throws {
        let fixture = try SyncFixture()
        let executive = try fixture.replica("kim")
        let manager = try fixture.replica("park", role: "manager")
        let client = try executive.write { try $0.addClient(NewClient(name: "Kim Minji")) }
        try fixture.sync(executive, manager)
        let before = try ReplicaDump.dump(manager.path)
        let error = #expect(throws: ReplicaError.self) { try manager.write { try $0.deleteClient(client) } }
        #expect(error?.code == .forbidden && error?.description == "refused (forbidden_delete): client \(client): managers do not delete clients")
        #expect(try ReplicaDump.dump(manager.path) == before)
        let cli = try CommandRunner.run("crm", ["client", "delete", client.description, "--replica", manager.path])
        #expect(cli.status == 1 && cli.stderr.contains("forbidden_delete"), "\(cli.stderr)")
    }

    @Test func aDeletionMadeOfflineByAnExecutiveDemotedMeanwhileIsRefusedListedAndGetsTheClientAndItsMemosBack() async throws {
        let fixture = try SyncFixture()
        let executive = try fixture.replica("kim")
        let demoted = try fixture.replica("park")
        let client = try executive.write { try $0.addClient(NewClient(name: "Kim Minji")) }
        _ = try executive.write { try $0.addMemo(to: client, text: "Allergic to nuts.") }
        try fixture.sync(executive, demoted)
        // Park is a manager now at the server; Park's workstation does not know it yet.
        _ = try ServerProcess.admin(["set-role"] + fixture.server.storeArguments + ["--user", try userID(of: demoted), "--role", "manager", "--json"], key: "role")
        try demoted.write { try $0.deleteClient(client) }
        let report = try SyncClient(replica: demoted).sync()
        #expect(report.rejected == 1)
        let rejected = try demoted.rejectedChanges()
        #expect(rejected.map(\.reason) == ["forbidden_delete"])
        #expect(rejected.first?.entityId == client.description)
        #expect(try demoted.client(client).memos.map(\.text) == ["Allergic to nuts."])
        #expect(try demoted.status().pending == 0)
        let text = try CommandRunner.run("crm", ["rejected", "--replica", demoted.path]).stdout
        #expect(text.contains("client of Kim Minji  forbidden_delete") && !text.contains(client.description), "names, not ids: \(text)")
        let refused = try fixture.server.query("SELECT reason, row_id FROM refused_change")
        #expect(refused.map { $0[0] } == ["forbidden_delete"] && refused.first?[1] == client.description)
        let listed = try CommandRunner.run("crm-server", ["admin", "rejected"] + fixture.server.storeArguments + ["--json"])
        #expect(listed.status == 0 && listed.stdout.contains("\"reason\":\"forbidden_delete\"") && listed.stdout.contains(client.description))
        try fixture.sync(executive)
        #expect(try executive.client(client).memos.count == 1)
        #expect(try SQLDiff.diff(executive.path, demoted.path) == "")
    }

    @Test func aManagersWorkstationRefusesAnEditOfAClientAssignedToSomeoneElseAtOnce() throws {
        let fixture = try SyncFixture()
        let executive = try fixture.replica("kim")
        let manager = try fixture.replica("park", role: "manager")
        let other = try executive.write { try $0.addStaff(name: "Choi", role: .manager, branch: nil) }
        let client = try executive.write { try $0.addClient(NewClient(name: "Kim Minji", assigneeID: other)) }
        try fixture.sync(executive, manager)
        let error = #expect(throws: ReplicaError.self) { try manager.write { try $0.editClient(client, ClientEdit(name: "Renamed by Park")) } }
        #expect(error?.description.hasPrefix("refused (forbidden_client)") == true, "\(error?.description ?? "")")
        #expect(try manager.client(client).name == "Kim Minji")
        #expect(try manager.status().pending == 0)
    }

    /// Park's client, handed to Choi at the head office; Park's workstation has not pulled it.
    private func staleView() throws -> (SyncFixture, Replica, Replica, ClientID) {
        let fixture = try SyncFixture()
        let executive = try fixture.replica("kim")
        let manager = try fixture.replica("park", role: "manager")
        try fixture.sync(executive)   // learns of Park
        let other = try executive.write { try $0.addStaff(name: "Choi", role: .manager, branch: nil) }
        let client = try executive.write { try $0.addClient(NewClient(name: "Kim Minji", assigneeID: UserID(try userID(of: manager)))) }
        try fixture.sync(executive, manager)
        try executive.write { try $0.assign(client, to: other) }
        try fixture.sync(executive)
        return (fixture, executive, manager, client)
    }

    @Test func anEditMadeOnAStaleViewIsRefusedByTheServerRolledBackAndListed() throws {
        let (fixture, executive, manager, client) = try staleView()
        defer { withExtendedLifetime(fixture) {} }
        try manager.write { try $0.editClient(client, ClientEdit(name: "Renamed by Park")) }
        _ = try SyncClient(replica: manager).sync()
        #expect(try manager.rejectedChanges().map(\.reason) == ["forbidden_client"])
        #expect(try manager.rejectedChanges().first?.value == "Renamed by Park")
        #expect(try manager.client(client).name == "Kim Minji")
        try fixture.sync(executive)
        #expect(try executive.client(client).name == "Kim Minji")
    }

    @Test func managerAddsClientsToTheirBranchAsAssigneeAndEditsThem() throws {
        let fixture = try SyncFixture()
        let executive = try fixture.replica("kim")
        let manager = try fixture.replica("park", role: "manager")
        let client = try manager.write { try $0.addClient(NewClient(name: "Lee Jun")) }
        _ = try manager.write { try $0.addMemo(to: client, text: "First call.") }
        try manager.write { try $0.editClient(client, ClientEdit(name: "Lee Jun-ho")) }
        let report = try SyncClient(replica: manager).sync()
        #expect(report.rejected == 0)
        try fixture.sync(executive)
        let card = try executive.client(client)
        #expect(card.name == "Lee Jun-ho" && card.memos.count == 1 && card.assignee != nil && card.branch == fixture.server.branch)
    }

    @Test func generalStaffAddClientsAndSchedulesButNothingElse() throws {
        let fixture = try SyncFixture()
        let executive = try fixture.replica("kim")
        let desk = try fixture.replica("front", role: "general")
        let client = try desk.write { try $0.addClient(NewClient(name: "Lee Jun")) }
        _ = try desk.write { try $0.addSchedule(for: client, start: try Timestamp(parsing: "2026-12-01T10:00:00Z", field: "t"),
                                                end: try Timestamp(parsing: "2026-12-01T11:00:00Z", field: "t")) }
        let memo = #expect(throws: ReplicaError.self) { try desk.write { try $0.addMemo(to: client, text: "Private note") } }
        #expect(memo?.description.hasPrefix("refused (forbidden_role)") == true, "\(memo?.description ?? "")")
        let edit = #expect(throws: ReplicaError.self) { try desk.write { try $0.editClient(client, ClientEdit(name: "Lee Jun-ho")) } }
        #expect(edit?.code == .forbidden)
        let report = try SyncClient(replica: desk).sync()
        #expect(report.rejected == 0 && report.pushed == 2)
        try fixture.sync(executive)
        #expect(try executive.client(client).schedules.count == 1)
        #expect(try executive.client(client).memos.isEmpty)
    }

    @Test func aRefusedChangeOfAFieldTheServerNeverSetIsUndoneToItsDefault() throws {
        let (fixture, executive, manager, client) = try staleView()
        defer { withExtendedLifetime(fixture) {} }
        // The server never stored an archive reason for this card: it is at its default.
        try manager.write { try $0.archiveClient(client, reason: "moved") }
        _ = try SyncClient(replica: manager).sync()
        #expect(try manager.rejectedChanges().map(\.reason) == ["forbidden_client"])
        #expect(try manager.client(client).status != "archived")
        try fixture.sync(executive)
        #expect(try SQLDiff.diff(executive.path, manager.path) == "")
    }

    @Test func aRefusedChangeWhoseReplyIsLostIsStillKeptInTheRejectedList() throws {
        let fixture = try SyncFixture()
        let proxy = try FaultProxy(targetPort: fixture.server.port)
        let executive = try fixture.replica("kim")
        let desk = try fixture.replica("park", role: "manager", serverURL: proxy.url)
        let other = try executive.write { try $0.addStaff(name: "Choi", role: .manager, branch: nil) }
        let client = try executive.write { try $0.addClient(NewClient(name: "Kim Minji")) }
        try fixture.sync(executive, desk)
        try executive.write { try $0.assign(client, to: other) }   // Park has not pulled this
        try fixture.sync(executive)
        _ = try desk.write { try $0.addMemo(to: client, text: "Typed at the desk, refused, reply lost") }
        proxy.dropNextReply(to: "POST /v1/push")
        #expect(throws: SyncError.self) { try SyncClient(replica: desk).sync() }
        #expect(proxy.droppedReplies == 1)
        // Pushed again, the change is a duplicate: it is answered with its first outcome.
        _ = try SyncClient(replica: desk).sync()
        let rejected = try desk.rejectedChanges().filter { $0.field == "text" }
        #expect(rejected.map(\.reason) == ["forbidden_client"])
        #expect(rejected.first?.value == "Typed at the desk, refused, reply lost")
        #expect(try desk.client(client).memos.isEmpty)
    }

    @Test func aClientAddedWithAMemoAndHandedOverInOnePushLeavesTheManagersDetails() throws {
        let fixture = try SyncFixture()
        let executive = try fixture.replica("kim")
        let manager = try fixture.replica("park", role: "manager")
        let other = try executive.write { try $0.addStaff(name: "Choi", role: .manager, branch: nil) }
        try fixture.sync(executive, manager)
        let client = try manager.write { writer in
            let client = try writer.addClient(NewClient(name: "Lee Jun"))
            _ = try writer.addMemo(to: client, text: "Handed over before the first sync")
            try writer.assign(client, to: other)
            return client
        }
        let report = try SyncClient(replica: manager).sync()
        #expect(report.rejected == 0)
        // The card header stays (same branch); the memo Park wrote is Choi's client's now.
        #expect(try manager.client(client).memos.isEmpty)
        try fixture.sync(executive)
        #expect(try executive.client(client).memos.map(\.text) == ["Handed over before the first sync"])
    }
}
