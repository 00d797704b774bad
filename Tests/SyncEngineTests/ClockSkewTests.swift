import CRMModel
import CRMTestSupport
import Foundation
import LocalReplica
import SyncCore
import SyncEngine
import Testing

@Suite("Clock skew and setup failures", .serialized)
struct ClockSkewTests {
    @Test func replicaWithAClockADayAheadIsRestampedToServerTimeAndSyncs() throws {
        let fixture = try SyncFixture()
        let user = try fixture.server.addUser("skewed")
        let ahead = ManualClock(Int64(Date().timeIntervalSince1970 * 1000) + 86_400_000)
        let replica = try Replica.create(at: fixture.directory.file("skewed.crm"), configuration: ReplicaConfiguration(clock: ahead))
        _ = try SyncClient.register(replica: replica, serverURL: fixture.server.url, token: user.token, caFile: nil)
        let client = try replica.write { try $0.addClient(NewClient(name: "Written by a fast clock")) }
        let report = try SyncClient(replica: replica, clock: ahead).sync()
        #expect(report.pushed == 1)
        #expect(try replica.status().pending == 0)
        // The change the server stored carries server time, not the skewed clock's.
        let other = try fixture.replica("lee")
        #expect(try other.client(client).name == "Written by a fast clock")
        let stored = try Int64(fixture.serverLog(site: replica.siteID.description).first ?? 0)
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        #expect(abs(HLCTimestamp(packed: stored).millis - now) < 60_000)
        // Later edits on the skewed replica keep using the learned offset.
        try replica.write { try $0.editClient(client, ClientEdit(name: "Edited later")) }
        #expect(try SyncClient(replica: replica, clock: ahead).sync().pushed == 1)
    }

    @Test func initAgainstAnUnreachableServerFailsAndLeavesNoFile() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("office.crm")
        let result = try CommandRunner.run("crm", ["init", "--replica", path, "--server", "http://127.0.0.1:9", "--token", "crm_x"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("127.0.0.1:9"))
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(!FileManager.default.fileExists(atPath: path + ".token"))
    }

    @Test func syncOfAStandaloneReplicaSaysSo() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("office.crm")
        #expect(try CommandRunner.run("crm", ["init", "--replica", path]).status == 0)
        let result = try CommandRunner.run("crm", ["sync", "--replica", path])
        #expect(result.status != 0)
        #expect(result.stderr.contains("standalone"))
    }
}
