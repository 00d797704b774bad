import CRMModel
import CRMTestSupport
import Foundation
import LocalReplica
import SyncCore
import SyncEngine
import Synchronization
import Testing

/// A long pull says how far it has come: the server tells how much of its log is ahead
/// (`head`), the replica keeps the progress with its cursor, and `crm sync` draws it.
@Suite("A long pull reports x of y changes", .serialized)
struct PullProgressTests {
    /// 6,000 changes at the head office (3,000 clients with a memo each): two pages of `crm init`.
    private func office() throws -> (SyncFixture, Replica) {
        let fixture = try SyncFixture()
        let writer = try fixture.replica("kim")
        try writer.write { writer in
            for index in 0..<3_000 {
                let client = try writer.addClient(NewClient(name: "Client \(index)"))
                _ = try writer.addMemo(to: client, text: "Memo \(index)")
            }
        }
        try fixture.sync(writer)
        return (fixture, writer)
    }

    @Test func everyPageOfALongPullReportsProgressThatGrowsToTheTotalAndTheReplicaForgetsItAfterwards() throws {
        let (fixture, _) = try office()
        let user = try fixture.server.addUser("park", role: "executive")
        let replica = try Replica.create(at: fixture.directory.file("park.crm"), configuration: ReplicaConfiguration(ids: UUIDv7Generator()))
        _ = try SyncClient.register(replica: replica, serverURL: fixture.server.url, token: user.token, caFile: nil)
        let reports = Mutex<[CatchUp]>([])
        let client = try SyncClient(replica: replica, configuration: SyncConfiguration(pullPage: 500, progress: { catchUp in reports.withLock { $0.append(catchUp) } }))
        let report = try client.sync()
        let seen = reports.withLock { $0 }
        #expect(report.pulled >= 6_000)
        #expect(seen.count >= 5, "one report per page of 500: \(seen.map(\.done))")
        #expect(Set(seen.map(\.total)).count == 1, "the total stays put while nothing is added: \(seen.map(\.total))")
        #expect(zip(seen, seen.dropFirst()).allSatisfy { $0.done < $1.done }, "\(seen.map(\.done))")
        #expect(seen.last.map { $0.done == $0.total } == true)
        #expect(seen.dropLast().allSatisfy { $0.done < $0.total })
        #expect(try replica.status().catchUp == nil)
    }

    @Test func aShortPullReportsNothing() throws {
        let (fixture, writer) = try office()
        let reader = try fixture.replica("park")
        _ = try writer.write { try $0.addClient(NewClient(name: "One more")) }
        try fixture.sync(writer)
        let reports = Mutex(0)
        _ = try SyncClient(replica: reader, configuration: SyncConfiguration(progress: { _ in reports.withLock { $0 += 1 } })).sync()
        #expect(reports.withLock { $0 } == 0)
    }

    @Test func theReplicaKeepsTheProgressOfAPullCutShortAndTheNextPageResumesIt() throws {
        let directory = try TemporaryDirectory()
        let replica = try ReplicaFixtures.make(in: directory)
        let now = Timestamp(unixMillis: 1_800_000_000_000)
        try replica.applyPulled([], after: 0, next: 500, now: now, head: 10_000, more: true)
        #expect(try replica.status().catchUp == CatchUp(done: 500, total: 10_000, startedAt: now.unixMillis))
        let later = Timestamp(unixMillis: now.unixMillis + 2_000)
        try replica.applyPulled([], after: 500, next: 1_000, now: later, head: 12_000, more: true)
        let resumed = try #require(try replica.status().catchUp)
        #expect(resumed == CatchUp(done: 1_000, total: 12_000, startedAt: now.unixMillis), "begun at the first page, grown with the log")
        #expect(resumed.secondsLeft(now: later.unixMillis) == 22, "11,000 left at 500 a second")
        try replica.applyPulled([], after: 1_000, next: 12_000, now: later, head: 12_000, more: false)
        #expect(try replica.status().catchUp == nil)
    }

    @Test func crmInitDrawsTheBarOnlyWhenAskedForOrOnATerminal() throws {
        let (fixture, _) = try office()
        func initialise(_ name: String, environment: [String: String]) throws -> CommandResult {
            let user = try fixture.server.addUser(name, role: "executive")
            return try CommandRunner.run("crm", ["init", "--server", fixture.server.url, "--token", user.token, "--replica", fixture.directory.file("\(name).crm")],
                                         environment: environment, timeout: 120)
        }
        let withBar = try initialise("park", environment: ["CRM_PROGRESS": "1"])
        #expect(withBar.status == 0, "\(withBar.stderr)")
        #expect(withBar.stderr.contains("\r["), "\(withBar.stderr.debugDescription)")
        #expect(withBar.stderr.contains(" of 6,0"), "\(withBar.stderr.debugDescription)")
        #expect(withBar.stderr.contains("changes\n"), "the bar ends its line: \(withBar.stderr.debugDescription)")
        let without = try initialise("lee", environment: [:])
        #expect(without.status == 0)
        #expect(!without.stderr.contains("\r["), "no bar in a script's output")
    }
}
