import ArgumentParser
import CRMModel
import Foundation
import GRDB
import GRDBSQLite
import LocalReplica
import SyncCore
import SyncEngine

/// `crm-bench sync`: new client cards written on replica A, pushed, and pulled into
/// replica B over loopback HTTP through libcurl while A pushes (as B's daemon would);
/// timed from A's first push to B's last commit. Baseline: the same rows inserted into B's schema with a prepared statement in
/// transactions of one pull page.
struct SyncBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "sync", abstract: "Push and pull over loopback against plain SQLite inserts.")

    @Option(help: "Client cards.") var count = 100_000
    @Option(help: "Changes per push.") var pushBatch = 5_000
    @Option(help: "Changes per pull page (and baseline transaction).") var pullPage = 5_000

    func run() async throws {
        let server = try await BenchServer(label: "sync")
        defer { server.stop() }
        let directory = server.directory
        let a = try await server.replica("a")
        let b = try await server.replica("b")
        let (count, pushBatch, pullPage) = (count, pushBatch, pullPage)
        print("sync benchmark: \(count) client cards (about six fields each), push batches of \(pushBatch), pull pages of \(pullPage)")

        try await onThread {
            try a.write { writer in
                for index in 0..<count {
                    _ = try writer.addClient(NewClient(name: "Client \(index)", phones: ["+82 10 \(1000 + index % 9000) \(1000 + index % 7919)"],
                                                       emails: ["client\(index)@example.com"], birthDate: "1990-01-\(10 + index % 19)"))
                }
            }
        }
        let configuration = SyncConfiguration(pushBatch: pushBatch, pullPage: pullPage)
        let clock = ContinuousClock()
        let started = clock.now
        // B pulls while A pushes, as B's daemon would: long polls, page after page.
        async let bDone: ContinuousClock.Instant = onThread {
            let client = try SyncClient(replica: b, configuration: configuration)
            while try Self.clientCount(b) < count { try client.pullAll(wait: 2) }
            return ContinuousClock().now
        }
        let pushed = try await onThread { try SyncClient(replica: a, configuration: configuration).pushAll().pushed }
        let afterPush = clock.now
        let finished = try await bDone
        guard pushed == count else { throw ValidationError("pushed \(pushed): expected \(count)") }

        // B's apply alone: the same pages, fetched first, applied into a fresh replica.
        let c = try await server.replica("c")
        let pages = try await onThread { () throws -> [[RowChange]] in
            let client = try SyncClient(replica: c, configuration: configuration)
            return try client.fetchPages()
        }
        let applyStarted = clock.now
        try await onThread {
            var cursor: Int64 = 0
            for page in pages {
                cursor += Int64(page.count)
                try c.applyPulled(page, next: cursor, now: Timestamp(unixMillis: 0))
            }
            try c.flushSearchIndex()
        }
        let applyTime = clock.now - applyStarted
        let baseline = try await onThread { try Self.baseline(pages: pages, path: directory + "/baseline.sqlite") }

        let rows = Double(count)
        let endToEnd = rows / seconds(finished - started)
        let apply = rows / seconds(applyTime)
        let plain = rows / seconds(baseline)
        print(String(format: "push (A → server): %.0f rows/s; B had every card %.2f s after A's last push was acknowledged", rows / seconds(afterPush - started), seconds(finished - afterPush)))
        print(String(format: "plain SQLite inserts (baseline): %.0f rows/s", plain))
        print(String(format: "peak RSS: %.0f MiB (whole process: server, three clients, pages kept for the apply run)", peakRSSMiB()))
        print(String(format: "end-to-end: %.0f rows/s (%.2f× baseline)", endToEnd, endToEnd / plain))
        print(String(format: "apply: %.0f rows/s (%.2f× baseline)", apply, apply / plain))
    }

    /// The number of client rows in a replica.
    static func clientCount(_ replica: Replica) throws -> Int {
        try DatabaseQueue(path: replica.path).read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM client") ?? 0 }
    }

    /// The same client rows, inserted with one prepared statement per table, a transaction
    /// per page, into a file with the replica's schema.
    static func baseline(pages: [[RowChange]], path: String) throws -> Duration {
        _ = try Replica.create(at: path)
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
        let pool = try DatabasePool(path: path, configuration: configuration)
        let clients = pages.map { $0.filter { $0.entity == .client } }
        return try ContinuousClock().measure {
            for page in clients {
                try pool.write { db in
                    let insert = try db.cachedStatement(sql: "INSERT INTO client (id, name, phones, emails, birth_date, created_at) VALUES (?, ?, ?, ?, ?, ?)")
                    for change in page {
                        try PlainInsert.run(insert, [change.rowID, change.value(of: "name")?.description ?? "", change.value(of: "phones")?.description ?? "[]",
                                                     change.value(of: "emails")?.description ?? "[]", change.value(of: "birth_date")?.description ?? "",
                                                     change.value(of: "created_at")?.description ?? ""])
                    }
                }
            }
            // The same indexes as the replica's, the search index filled once at the end
            // as a pull fills it.
            try pool.write { db in try Replica.updateSearchIndex(in: db) }
        }
    }
}
