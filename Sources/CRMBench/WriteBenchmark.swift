import ArgumentParser
import CRMModel
import Foundation
import GRDB
import GRDBSQLite
import LocalReplica

/// `crm-bench write`: client cards, each with a memo and a schedule, written through
/// ``Replica`` (validation, change log, clock) and, as the baseline, the same rows
/// inserted with plain prepared statements into the same schema, with the same pragmas
/// and the same transaction size.
struct WriteBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "write",
        abstract: "Replica writes against plain SQLite inserts of the same rows."
    )

    @Option(help: "Client cards to write.") var count = 100_000
    @Option(help: "Cards per transaction.") var batch = 1_000
    @Option(help: "Rounds; the best round of each side counts.") var rounds = 2
    @Option(help: "Directory for the database files (default: a temporary one).") var dir: String?

    func run() throws {
        guard count > 0, batch > 0, rounds > 0 else { throw ValidationError("--count, --batch and --rounds must be positive") }
        let directory = dir ?? NSTemporaryDirectory() + "crm-bench-\(ProcessInfo.processInfo.processIdentifier)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { if dir == nil { try? FileManager.default.removeItem(atPath: directory) } }

        let cards = BenchCards(count: count)
        print("write benchmark: \(count) client cards, each with a memo and a schedule; \(batch) cards per transaction; \(rounds) round(s)")
        var bestBaseline = Duration.seconds(1_000_000)
        var bestReplica = Duration.seconds(1_000_000)
        for round in 1...rounds {
            let baseline = try runBaseline(cards, path: "\(directory)/baseline-\(round).sqlite")
            let replica = try runReplica(cards, path: "\(directory)/replica-\(round).crm")
            print("round \(round): baseline \(format(baseline)), replica \(format(replica))")
            bestBaseline = min(bestBaseline, baseline)
            bestReplica = min(bestReplica, replica)
        }
        let rows = Double(count * 3)
        print("plain SQLite inserts: \(rate(rows, bestBaseline)) rows/s (\(rate(Double(count), bestBaseline)) cards/s)")
        print("replica writes:       \(rate(rows, bestReplica)) rows/s (\(rate(Double(count), bestReplica)) cards/s, change log included)")
        print(String(format: "write overhead ratio: %.2f", seconds(bestReplica) / seconds(bestBaseline)))
    }

    private func runReplica(_ cards: BenchCards, path: String) throws -> Duration {
        let replica = try Replica.create(at: path)
        let clock = ContinuousClock()
        return try clock.measure {
            for start in stride(from: 0, to: cards.count, by: batch) {
                try replica.write { writer in
                    for index in start..<min(start + batch, cards.count) {
                        let card = cards.input[index]
                        let client = try writer.addClient(NewClient(name: card.name, phones: card.phones, emails: [card.email], birthDate: card.birthDate))
                        _ = try writer.addMemo(to: client, text: card.memo, kind: .call)
                        _ = try writer.addSchedule(for: client, start: card.start, end: card.end, room: card.room)
                    }
                }
            }
        }
    }

    private func runBaseline(_ cards: BenchCards, path: String) throws -> Duration {
        // The same schema as a replica, then plain prepared statements bound and stepped
        // through the SQLite C API, on a connection configured like the replica's.
        _ = try Replica.create(at: path)
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
        let pool = try DatabasePool(path: path, configuration: configuration)
        let ids = UUIDv7Generator()
        let clock = ContinuousClock()
        return try clock.measure {
            for start in stride(from: 0, to: cards.count, by: batch) {
                try pool.write { db in
                    let client = try db.cachedStatement(sql: "INSERT INTO client (id, name, phones, emails, birth_date, custom_fields, branch_id, assignee_id, dormant, archive_reason, created_at) VALUES (?, ?, ?, ?, ?, '{}', NULL, NULL, 0, NULL, ?)")
                    let memo = try db.cachedStatement(sql: "INSERT INTO memo (id, client_id, text, type, author_id, created_at) VALUES (?, ?, ?, 'call', NULL, ?)")
                    let schedule = try db.cachedStatement(sql: "INSERT INTO schedule (id, client_id, starts_at, ends_at, staff_id, room, state) VALUES (?, ?, ?, ?, NULL, ?, 'scheduled')")
                    for index in start..<min(start + batch, cards.count) {
                        let row = cards.rows[index]
                        let clientID = ClientID(ids.next()).description
                        try PlainInsert.run(client, [clientID, row.name, row.phonesJSON, row.emailsJSON, row.birthDate, row.createdAt])
                        try PlainInsert.run(memo, [ClientID(ids.next()).description, clientID, row.memo, row.createdAt])
                        try PlainInsert.run(schedule, [ClientID(ids.next()).description, clientID, row.start, row.end, row.room])
                    }
                    // The same indexes as the replica's, the search index included.
                    try Replica.updateSearchIndex(in: db)
                }
            }
        }
    }

    private func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    private func format(_ duration: Duration) -> String { String(format: "%.2f s", seconds(duration)) }

    private func rate(_ rows: Double, _ duration: Duration) -> String {
        String(format: "%.0f", rows / seconds(duration))
    }
}
