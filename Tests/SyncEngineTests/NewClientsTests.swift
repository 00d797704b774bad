import CRMModel
import CRMTestSupport
import Foundation
import GRDB
import LocalReplica
import SyncCore
import SyncEngine
import Testing

/// Clients created at other offices reach every workstation through the log, however many
/// arrive between two syncs (issue 11: a manager's sync never ended once 26 waited).
@Suite("New clients reach managers and the front desk, however many wait", .serialized)
struct NewClientsTests {
    /// The staff id a replica belongs to.
    private func userID(of replica: Replica) throws -> String {
        try DatabaseQueue(path: replica.path).read { db in try String.fetchOne(db, sql: "SELECT user_id FROM replica_meta") } ?? ""
    }

    /// `crm sync --json` on `replica` as its own process, killed after two minutes.
    private func crmSync(_ replica: Replica) throws -> (result: CommandResult, report: SyncReport?) {
        let result = try CommandRunner.run("crm", ["sync", "--json", "--replica", replica.path], timeout: 120)
        return (result, try? result.json(SyncReport.self))
    }

    /// What `role` `user` may hold of the executive's full replica (one branch here).
    private func expectedRows(_ all: ReplicatedRows, role: String, user: String) -> ReplicatedRows {
        let branch = (all["staff_user"] ?? [:]).values.first?["branch_id"]?.textValue
        return VisibleRows.expected(all, role: role, user: user, branch: branch)
    }

    private func differences(_ actual: ReplicatedRows, _ expected: ReplicatedRows) -> [String] {
        VisibleRows.differences(actual, expected)
    }

    @Test func hundredsOfNewClientsSyncToAManagerAndTheFrontDeskInOnePassAndASecondPassMovesNothing() throws {
        let fixture = try SyncFixture()
        let executive = try fixture.replica("kim")
        let manager = try fixture.replica("park", role: "manager")
        let other = try fixture.replica("choi", role: "manager")
        let desk = try fixture.replica("front", role: "general")
        let park = try userID(of: manager), choi = try userID(of: other)
        try fixture.sync(executive)  // learns of the staff
        let start = try Timestamp(parsing: "2026-12-01T10:00:00Z", field: "test")
        try executive.write { writer in
            for index in 0..<300 {
                let assignee: UserID? = switch index % 3 {
                case 0: UserID(park)
                case 1: UserID(choi)
                default: nil
                }
                let client = try writer.addClient(NewClient(name: "Client \(index)", assigneeID: assignee))
                _ = try writer.addMemo(to: client, text: "Memo of client \(index)")
                if index % 5 == 0 {
                    _ = try writer.addSchedule(for: client, start: start, end: Timestamp(unixMillis: start.unixMillis + 3_600_000))
                }
            }
        }
        try fixture.sync(executive)
        let everything = try executive.replicatedRows()
        #expect(everything["client"]?.count == 300 && everything["memo"]?.count == 300)

        for (replica, role, user) in [(manager, "manager", park), (other, "manager", choi), (desk, "general", try userID(of: desk))] {
            let first = try crmSync(replica)
            #expect(!first.result.timedOut && first.result.status == 0, "crm sync did not end: \(first.result.stderr)")
            let expected = expectedRows(everything, role: role, user: user)
            let held = try replica.replicatedRows()
            #expect(differences(held, expected).isEmpty, "\(role) \(user): \(differences(held, expected))")
            let second = try crmSync(replica)
            #expect(!second.result.timedOut && second.result.status == 0)
            #expect(second.report?.pulled == 0, "a second sync pulled \(second.report?.pulled ?? -1) change(s)")
        }
        // Concretely: a manager holds all 300 cards and the memos of their own and unassigned
        // clients; the front desk every card and no memo at all.
        #expect(try manager.clients().count == 300)
        #expect(try manager.replicatedRows(of: ["memo"])["memo"]?.count == 200)
        #expect(try desk.clients().count == 300)
        #expect(try desk.replicatedRows(of: ["memo"])["memo"]?.isEmpty == true)
    }

    /// 150 existing clients, each with a memo, reassigned by the executive from one manager
    /// to another: returns the fixture, the executive, the two managers and the clients.
    private func reassignHundredAndFifty() throws -> (SyncFixture, Replica, Replica, Replica, [ClientID]) {
        let fixture = try SyncFixture()
        let executive = try fixture.replica("kim")
        let manager = try fixture.replica("park", role: "manager")
        let other = try fixture.replica("choi", role: "manager")
        let park = try #require(UserID(try userID(of: manager))), choi = try #require(UserID(try userID(of: other)))
        try fixture.sync(executive)
        let clients = try executive.write { writer in
            try (0..<150).map { index in
                let client = try writer.addClient(NewClient(name: "Client \(index)", assigneeID: choi))
                _ = try writer.addMemo(to: client, text: "Memo of client \(index)")
                return client
            }
        }
        try fixture.sync(executive, manager, other)
        #expect(try manager.replicatedRows(of: ["memo"])["memo"]?.isEmpty == true)
        try executive.write { writer in
            for client in clients { try writer.assign(client, to: park) }
        }
        try fixture.sync(executive)
        return (fixture, executive, manager, other, clients)
    }

    @Test func clientsReassignedByTheHundredArriveWholeInBoundedRepliesAndLeaveTheOldManager() throws {
        let (fixture, executive, manager, other, _) = try reassignHundredAndFifty()
        defer { withExtendedLifetime(fixture) {} }
        // Pages of 40 changes: the 150 details buckets (a memo each) need several replies.
        let result = try CommandRunner.run("crm", ["sync", "--json", "--pull-page", "40", "--replica", manager.path], timeout: 120)
        #expect(!result.timedOut && result.status == 0, "crm sync did not end: \(result.stderr)")
        let everything = try executive.replicatedRows()
        #expect(differences(try manager.replicatedRows(), expectedRows(everything, role: "manager", user: try userID(of: manager))).isEmpty)
        #expect(try manager.replicatedRows(of: ["memo"])["memo"]?.count == 150)
        let again = try CommandRunner.run("crm", ["sync", "--json", "--replica", manager.path], timeout: 120)
        #expect(try again.json(SyncReport.self).pulled == 0)
        let revoked = try CommandRunner.run("crm", ["sync", "--json", "--pull-page", "40", "--replica", other.path], timeout: 120)
        #expect(!revoked.timedOut && revoked.status == 0)
        #expect(try other.replicatedRows(of: ["memo"])["memo"]?.isEmpty == true)
        #expect(try other.clients().count == 150)
    }

    @Test func anOfferWhoseReplyIsLostIsOfferedAgainAndNothingIsMissing() throws {
        let (fixture, executive, manager, _, _) = try reassignHundredAndFifty()
        let proxy = try FaultProxy(targetPort: fixture.server.port)
        let settings = try #require(try manager.syncSettings())
        // Point the manager at the proxy, which swallows the replies of two pulls.
        try manager.attachServer(url: proxy.url, caFile: nil, userID: try userID(of: manager))
        // Each client opens a fresh connection, so a swallowed reply is an error here
        // (libcurl silently retries a request whose reused connection dies).
        func client() throws -> SyncClient { try SyncClient(replica: manager, configuration: SyncConfiguration(pullPage: 40)) }
        proxy.dropNextReply(to: "GET /v1/pull")
        #expect(throws: SyncError.self) { try client().sync() }
        #expect(try manager.syncSettings()?.offerAck == settings.offerAck, "an offer whose reply was lost counts as applied")
        #expect(try manager.replicatedRows(of: ["memo"])["memo"]?.isEmpty == true)
        // The second reply is lost after the first offer was applied.
        proxy.dropNextReply(to: "GET /v1/pull", skipping: 1)
        _ = try? client().sync()
        #expect(try manager.syncSettings()?.offerAck ?? 0 > settings.offerAck)
        _ = try client().sync()
        #expect(proxy.droppedReplies == 2)
        let everything = try executive.replicatedRows()
        #expect(differences(try manager.replicatedRows(), expectedRows(everything, role: "manager", user: try userID(of: manager))).isEmpty)
        #expect(try client().sync().pulled == 0)
    }

    /// CPU seconds a process has used (user and system), from /proc.
    private func cpuSeconds(_ pid: Int32) throws -> Double {
        let stat = try String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
        // Fields after the command name (which may hold spaces) start at state, field 3.
        let fields = stat[stat.index(after: stat.lastIndex(of: ")")!)...].split(separator: " ")
        return (Double(fields[11]) ?? 0) / 100 + (Double(fields[12]) ?? 0) / 100
    }

    @Test func watchingDaemonsOfAManagerAndTheFrontDeskTakeHundredsOfNewAndHandedOverClientsAndThenIdle() throws {
        let fixture = try SyncFixture()
        let executive = try fixture.replica("kim")
        let manager = try fixture.replica("park", role: "manager")
        let desk = try fixture.replica("front", role: "general")
        let park = try #require(UserID(try userID(of: manager))), kim = try #require(UserID(try userID(of: executive)))
        // 100 clients the manager sees only the headers of, until they are handed over.
        let existing = try executive.write { writer in
            try (0..<100).map { index in
                let client = try writer.addClient(NewClient(name: "Existing \(index)", assigneeID: kim))
                _ = try writer.addMemo(to: client, text: "Memo of existing client \(index)")
                return client
            }
        }
        try fixture.sync(executive, manager, desk)
        let daemons = try [manager, desk].map { try CommandRunner.launch("crm", ["sync", "--watch", "--replica", $0.path]) }
        defer { for daemon in daemons { kill(daemon.processIdentifier, SIGKILL); daemon.waitUntilExit() } }
        try fixture.sync(executive)
        try executive.write { writer in
            for index in 0..<300 {
                let client = try writer.addClient(NewClient(name: "Client \(index)", assigneeID: index % 2 == 0 ? park : nil))
                _ = try writer.addMemo(to: client, text: "Memo of client \(index)")
            }
            for client in existing { try writer.assign(client, to: park) }
        }
        try fixture.sync(executive)
        let everything = try executive.replicatedRows()
        let expected = [expectedRows(everything, role: "manager", user: park.description), expectedRows(everything, role: "general", user: "")]
        let deadline = Date().addingTimeInterval(60)
        var pending = [manager, desk]
        while !pending.isEmpty && Date() < deadline {
            pending = try zip([manager, desk], expected).filter { !differences(try $0.0.replicatedRows(), $0.1).isEmpty }.map(\.0)
            if !pending.isEmpty { Thread.sleep(forTimeInterval: 0.1) }
        }
        #expect(pending.isEmpty, "\(pending.map(\.path)) never held what its user may see")
        #expect(daemons.allSatisfy { $0.isRunning })
        // In step, each daemon waits in its long poll (25 s): no page arrives, no CPU is
        // burnt. A daemon offered the same thing again and again applies page after page.
        Thread.sleep(forTimeInterval: 0.5)
        let synced = try [manager, desk].map { try $0.status().lastSync }
        let before = try daemons.map { try cpuSeconds($0.processIdentifier) }
        Thread.sleep(forTimeInterval: 2)
        let used = try zip(daemons, before).map { try cpuSeconds($0.0.processIdentifier) - $0.1 }
        #expect(try [manager, desk].map { try $0.status().lastSync } == synced, "pages kept arriving with nothing new")
        #expect(used.allSatisfy { $0 < 1 }, "CPU seconds in 2 s of nothing to do: \(used)")
    }
}
