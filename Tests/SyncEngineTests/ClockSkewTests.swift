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

    /// Two offices edit the same name offline; the honest one edits 5 s later in real time.
    /// `offsetMillis` is the other workstation's clock error. Returns the name both end with.
    private func concurrentNameEdits(skewedBy offsetMillis: Int64, skewedEditsFirst: Bool) throws -> (name: String, skewedHLCs: [Int64]) {
        let fixture = try SyncFixture()
        let user = try fixture.server.addUser("skewed")
        let real = Int64(Date().timeIntervalSince1970 * 1000)
        let skewedClock = ManualClock(real + offsetMillis)
        let honestClock = ManualClock(real)
        let skewed = try Replica.create(at: fixture.directory.file("skewed.crm"), configuration: ReplicaConfiguration(clock: skewedClock))
        _ = try SyncClient.register(replica: skewed, serverURL: fixture.server.url, token: user.token, caFile: nil)
        let honest = try fixture.replica("honest")
        let client = try honest.write { try $0.addClient(NewClient(name: "Original")) }
        _ = try SyncClient(replica: honest, clock: honestClock).sync()
        _ = try SyncClient(replica: skewed, clock: skewedClock).sync()
        let edits: [(Replica, String)] = skewedEditsFirst ? [(skewed, "Skewed office's name"), (honest, "Honest office's name")]
                                                          : [(honest, "Honest office's name"), (skewed, "Skewed office's name")]
        for (replica, name) in edits {
            try replica.write { try $0.editClient(client, ClientEdit(name: name)) }
            skewedClock.advance(by: 5_000)
            honestClock.advance(by: 5_000)
        }
        for _ in 0..<2 {
            _ = try SyncClient(replica: skewed, clock: skewedClock).sync()
            _ = try SyncClient(replica: honest, clock: honestClock).sync()
        }
        #expect(try skewed.client(client).name == honest.client(client).name)
        return (try honest.client(client).name, try fixture.serverLog(site: skewed.siteID.description))
    }

    @Test(arguments: [86_400_000, 262_000] as [Int64])
    func clockAheadDoesNotWinAConflictByItsSkew(_ ahead: Int64) throws {
        // The skewed office edits first; its push is refused and re-stamped to when it was
        // made, not to when it was pushed, so the later honest edit wins.
        let outcome = try concurrentNameEdits(skewedBy: ahead, skewedEditsFirst: true)
        #expect(outcome.name == "Honest office's name")
        #expect(outcome.skewedHLCs == outcome.skewedHLCs.sorted())
    }

    @Test(arguments: [-86_400_000, -262_000] as [Int64])
    func clockBehindIsCorrectedFromRepliesSoItsLaterEditWins(_ behind: Int64) throws {
        let outcome = try concurrentNameEdits(skewedBy: behind, skewedEditsFirst: false)
        #expect(outcome.name == "Skewed office's name")
        #expect(outcome.skewedHLCs == outcome.skewedHLCs.sorted())
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
