import CRMModel
import CRMTestSupport
import Foundation
import GRDB
import LocalReplica
import SyncEngine
import Testing

/// A revoke's purge while another program reads the replica (a report script, the front
/// end): it stays pending and says so, and finishes once the reader lets go (issue 12,
/// finding 9).
@Suite("Purges held up by a reader stay pending, say so, and finish later", .serialized)
struct PurgeWhileReadTests {
    private func bytes(of path: String, contain text: String) throws -> Bool {
        try FileBytes.replica(path, contains: text)
    }

    private func userID(of replica: Replica) throws -> String {
        try DatabaseQueue(path: replica.path).read { db in try String.fetchOne(db, sql: "SELECT user_id FROM replica_meta") } ?? ""
    }

    /// A manager's replica holding a memo, and the executive about to hand its client over.
    private func setUp() throws -> (SyncFixture, Replica, Replica, ClientID, UserID) {
        let fixture = try SyncFixture()
        let kim = try fixture.replica("kim")
        let park = try fixture.replica("park", role: "manager")
        try fixture.sync(kim)
        let choi = try kim.write { try $0.addStaff(name: "Choi", role: .manager, branch: nil) }
        let client = try kim.write { writer in
            let client = try writer.addClient(NewClient(name: "Kim Minji", assigneeID: UserID(try userID(of: park))))
            _ = try writer.addMemo(to: client, text: "Secret 9931 only Park may read")
            return client
        }
        try fixture.sync(kim, park)
        #expect(try bytes(of: park.path, contain: "Secret 9931"))
        return (fixture, kim, park, client, choi)
    }

    /// Another program with a read transaction open on the replica: the sqlite3 shell,
    /// as a report script would run it.
    final class Reader {
        private let process = Process()
        private let input = Pipe()
        private let output = Pipe()

        init(_ path: String) throws {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
            process.arguments = [path]
            process.standardInput = input
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
            input.fileHandleForWriting.write(Data("BEGIN;\nSELECT 'reading', COUNT(*) FROM memo;\n".utf8))
            // Wait until the shell has read: its transaction holds a snapshot from here on.
            var seen = ""
            while !seen.contains("reading") { seen += String(decoding: output.fileHandleForReading.availableData, as: UTF8.self) }
        }

        /// Ends the transaction and the shell.
        func letGo() {
            input.fileHandleForWriting.write(Data("ROLLBACK;\n.quit\n".utf8))
            try? input.fileHandleForWriting.close()
            process.waitUntilExit()
        }

        deinit { if process.isRunning { process.terminate() } }
    }

    @Test func crmSyncSaysThePurgeIsPendingWithANonZeroExitAndFinishesItOnceTheReaderLetsGo() throws {
        let (fixture, kim, park, client, choi) = try setUp()
        try kim.write { try $0.assign(client, to: choi) }
        try fixture.sync(kim)
        let reader = try Reader(park.path)
        let held = try CommandRunner.run("crm", ["sync", "--replica", park.path], timeout: 60)
        #expect(held.status != 0 && held.stderr.contains("still in"), "\(held.status) \(held.stderr)")
        let status = try CommandRunner.run("crm", ["status", "--json", "--replica", park.path])
        #expect(status.stdout.contains(#""purgePending":true"#), "\(status.stdout)")
        reader.letGo()
        let done = try CommandRunner.run("crm", ["sync", "--replica", park.path], timeout: 60)
        #expect(done.status == 0, "\(done.stderr)")
        #expect(try !park.purgePending())
        #expect(try !bytes(of: park.path, contain: "Secret 9931"))
    }

    @Test func theWatchingDaemonFinishesAHeldUpPurgeAsSoonAsTheReaderLetsGo() throws {
        let (fixture, kim, park, client, choi) = try setUp()
        let reader = try Reader(park.path)
        let daemon = try CommandRunner.launch("crm", ["sync", "--watch", "--replica", park.path])
        defer { kill(daemon.processIdentifier, SIGKILL); daemon.waitUntilExit() }
        try kim.write { try $0.assign(client, to: choi) }
        try fixture.sync(kim)
        var deadline = Date().addingTimeInterval(20)
        while try !park.purgePending(), Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        #expect(try park.purgePending(), "the purge was not held up by the reader")
        #expect(try park.client(client).memos.isEmpty)
        reader.letGo()
        deadline = Date().addingTimeInterval(5)
        while try park.purgePending(), Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        #expect(try !park.purgePending())
        #expect(try !bytes(of: park.path, contain: "Secret 9931"))
        #expect(daemon.isRunning)
    }
}
