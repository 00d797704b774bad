import CRMModel
import CRMTestSupport
import Foundation
import GRDB
import LocalReplica
import SyncCore
import SyncEngine
import Testing

@Suite("Exactly once under lost replies and killed processes", .serialized)
struct FaultTests {
    @Test func pushWhoseReplyIsLostIsRetriedAndAppliedOnce() throws {
        let fixture = try SyncFixture()
        let proxy = try FaultProxy(targetPort: fixture.server.port)
        let a = try fixture.replica("kim", serverURL: proxy.url)
        try a.write { writer in
            for index in 0..<50 { _ = try writer.addClient(NewClient(name: "Client \(index)")) }
        }
        proxy.dropNextReply(to: "POST /v1/push")
        let lost = #expect(throws: SyncError.self) { try SyncClient(replica: a).sync() }
        #expect(lost?.recovery == .retry)
        #expect(proxy.droppedReplies == 1)
        #expect(try a.status().pending == 50)
        let report = try SyncClient(replica: a).sync()
        #expect(report.rejected == 0)
        #expect(try a.status().pending == 0)
        let counts = try fixture.logCounts(site: a.siteID.description)
        #expect(counts.count == 50)
        #expect(counts.values.allSatisfy { $0 == 1 })
        let b = try fixture.replica("lee")
        try fixture.sync(a)
        #expect(try SQLDiff.diff(a.path, b.path) == "")
    }

    @Test func refusedChangeWhoseReplyIsLostIsStillRolledBack() throws {
        let fixture = try SyncFixture()
        let proxy = try FaultProxy(targetPort: fixture.server.port)
        let a = try fixture.replica("kim")
        let b = try fixture.replica("lee", serverURL: proxy.url)
        let client = try a.write { try $0.addClient(NewClient(name: "Kim")) }
        try fixture.sync(a, b)
        try a.write { try $0.deleteClient(client) }
        try fixture.sync(a)
        try b.write { try $0.editClient(client, ClientEdit(name: "Edited offline")) }
        proxy.dropNextReply(to: "POST /v1/push")
        #expect(throws: SyncError.self) { try SyncClient(replica: b).sync() }
        _ = try SyncClient(replica: b).sync()
        #expect(throws: ReplicaError.self) { try b.client(client) }
        // The server recorded the refused edit as a conflict; once A pulls it, both agree.
        try fixture.sync(a)
        #expect(try SQLDiff.diff(a.path, b.path) == "")
    }

    @Test func syncKilledTwentyTimesDuringPushAndPullLosesAndDuplicatesNothing() throws {
        let seed = TestSeed.current()
        var random = SplitMix64(seed: seed)
        let fixture = try SyncFixture()
        let a = try fixture.replica("kim")
        let b = try fixture.replica("lee")
        try a.write { writer in
            for index in 0..<1_000 {
                let client = try writer.addClient(NewClient(name: "Client \(index)", phones: ["+82 10 \(1000 + index) 5678"]))
                _ = try writer.addMemo(to: client, text: "memo \(index)")
                _ = try writer.addSchedule(for: client, start: start, end: end)
                try writer.addTag("t\(index % 7)", to: client)
                try writer.setDormant(client, true)
            }
        }
        #expect(try a.status().pending == 5_000)
        var kills = 0
        for replica in [a, b] {
            // Small batches and pages, so the kills land among many pushes and pulls.
            var killed = 0
            for _ in 0..<60 where killed < 10 {
                let process = try startSync(replica)
                usleep(useconds_t(10_000 + random.next() % 90_000))
                if process.isRunning {
                    kill(process.processIdentifier, SIGKILL)
                    killed += 1
                }
                process.waitUntilExit()
            }
            kills += killed
            let finish = try CommandRunner.run("crm", ["sync", "--replica", replica.path])
            #expect(finish.status == 0, "seed \(seed): \(finish.stderr)")
        }
        try fixture.sync(a)
        print("killed crm sync \(kills) times (seed \(seed))")
        #expect(kills == 20, "seed \(seed): the syncs finished before they could be killed")
        let counts = try fixture.logCounts(site: a.siteID.description)
        #expect(counts.count == 5_000, "seed \(seed)")
        #expect(counts.values.allSatisfy { $0 == 1 }, "seed \(seed)")
        #expect(try a.status().pending == 0)
        for replica in [a, b] {
            let check = try DatabaseQueue(path: replica.path).read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
            #expect(check == ["ok"], "seed \(seed)")
        }
        #expect(try SQLDiff.diff(a.path, b.path) == "", "seed \(seed)")
    }

    private func startSync(_ replica: Replica) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandRunner.productsDirectory + "/crm")
        process.arguments = ["sync", "--replica", replica.path, "--push-batch", "50", "--pull-page", "100"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }
}
