import ArgumentParser
import CRMModel
import Foundation
import GRDB
import LocalReplica
import SyncCore
import WorkstationUI

/// `crm-bench search`: the client list's search and a long card on a big office, timed as
/// the workstation renders them (``PageRenderer``: the query, the count, the latest memos
/// and the template, no socket), beside the same search run as the substring scan the
/// replica used before its trigram index, on the same file in the same process.
struct SearchBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "search", abstract: "Client search at a million cards and a card with 1,000 memos, beside a scan.")

    @Option(help: "Client cards in the replica.") var count = 1_000_000
    @Option(help: "Directory for the replica; an existing one of the same size is reused.") var dir: String?
    @Option(help: "Timed runs per query.") var runs = 15
    @Option(help: "Memos, schedules and ledger entries on the long card.") var history = 1_000

    func run() throws {
        let directory = dir ?? NSTemporaryDirectory() + "crm-bench-search-\(count)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = "\(directory)/office-\(count).crm"
        let built = FileManager.default.fileExists(atPath: path)
        // A Korean office: numbers typed without a country code are Korean.
        var office = ReplicaConfiguration()
        office.phoneRegion = .korea
        let replica = built ? try Replica.open(at: path, configuration: office) : try build(path, office)
        let cards = try replica.clientCount(ClientQuery(includeArchived: true))
        let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0) / 1_048_576
        print("search benchmark: \(cards) client cards (\(size) MiB replica); \(runs) runs per query; release build expected")
        let renderer = PageRenderer(replica: replica)
        var configuration = Configuration()
        configuration.readonly = true
        configuration.prepareDatabase { db in Replica.addFunctions(to: db) }
        let scan = try DatabaseQueue(path: path, configuration: configuration)
        let samples = try sampleTexts(replica)
        print("| search | matches (counted to 1,001) | list rows page p50 | p95 | substring scan (before) p50 |")
        print("|---|---|---|---|---|")
        for (label, text) in samples {
            let encoded = text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text
            let times = try (0..<runs).map { _ in try time { _ = try renderer.render("/clients/rows?q=\(encoded)") } }
            let matches = try replica.clientCount(ClientQuery(search: text), upTo: 1_001)
            let before = try (0..<3).map { _ in try time { try Self.scan(scan, text) } }
            print("| \(label) `\(text)` | \(matches == 1_001 ? "1,000+" : String(matches)) | \(ms(percentile(times, 0.5))) | \(ms(percentile(times, 0.95))) | \(ms(percentile(before, 0.5))) |")
        }
        try card(replica, renderer)
    }

    /// Builds the office: names in Korean, Russian and Latin letters, a mobile each, most
    /// with an e-mail, written through the replica in transactions of 10,000 cards.
    private func build(_ path: String, _ office: ReplicaConfiguration) throws -> Replica {
        let replica = try Replica.create(at: path, configuration: office)
        var random = SplitMix64(seed: 2026)
        let started = ContinuousClock.now
        for start in stride(from: 0, to: count, by: 10_000) {
            try replica.write { writer in
                for index in start..<min(start + 10_000, count) {
                    let person = OfficeNames.person(index, &random)
                    _ = try writer.addClient(NewClient(name: person.name, phones: [person.phone], emails: person.email.map { [$0] } ?? []))
                }
            }
        }
        print("built \(count) cards in \(ms(ContinuousClock.now - started))")
        return replica
    }

    /// What staff type: parts of names in three scripts, e-mail parts, phone digits.
    private func sampleTexts(_ replica: Replica) throws -> [(String, String)] {
        var random = SplitMix64(seed: 2026)
        var people: [OfficeNames.Person] = []
        for index in 0..<min(count, 3_000) { people.append(OfficeNames.person(index, &random)) }
        let korean = people.first { $0.script == .korean }!, russian = people.first { $0.script == .russian }!
        let latin = people.first { $0.script == .latin && $0.email != nil }!
        let koreanPhone = korean.phone.replacingOccurrences(of: "+82 10", with: "010").replacingOccurrences(of: " ", with: "-")
        return [
            ("Korean full name", korean.name),
            ("Korean surname, one syllable", String(korean.name.prefix(1))),
            ("Korean given name, two syllables", String(korean.name.dropFirst())),
            ("Cyrillic surname, lower case", String(russian.name.split(separator: " ")[0]).lowercased()),
            ("Cyrillic common ending", "ова"),
            ("Cyrillic full name", russian.name),
            ("Latin surname", String(latin.name.split(separator: " ")[1])),
            ("two Latin letters", "an"),
            ("two Cyrillic letters, lower case", "ив"),
            ("e-mail part", String(latin.email!.prefix(while: { $0 != "@" }))),
            ("mail domain", "gmail"),
            ("last four phone digits", String(korean.phone.suffix(4))),
            ("Korean mobile, national form", koreanPhone),
            ("Russian mobile, as typed", russian.phone),
        ]
    }

    /// The card of a client seen for years: `history` memos, schedules (half past and
    /// done, half ahead) and ledger entries; the first page of it, beside the whole card.
    private func card(_ replica: Replica, _ renderer: PageRenderer) throws {
        let base: Int64 = 1_700_000_000_000
        let day: Int64 = 86_400_000
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let client = try replica.write { writer -> ClientID in
            let client = try writer.addClient(NewClient(name: "김 오래된고객", phones: ["+82 10 5555 0001"]))
            for index in 0..<history {
                _ = try writer.addMemo(to: client, text: "상담 \(index): 다음 회기 일정과 선불 패키지를 논의함. 보호자는 평일 오전을 원함.", kind: .call)
                let start = index < history / 2 ? base + Int64(index) * day : now + Int64(index) * day
                let schedule = try writer.addSchedule(for: client, start: Timestamp(unixMillis: start), end: Timestamp(unixMillis: start + 3_000_000), room: "Room \(index % 12 + 1)")
                if index < history / 2 { try writer.markScheduleDone(schedule) }
                _ = try writer.addLedgerEntry(client: client, kind: .payment, amount: 50_000, note: "payment \(index)")
            }
            return client
        }
        let paged = try (0..<runs).map { _ in try time { _ = try renderer.render("/clients/\(client)") } }
        let whole = try (0..<3).map { _ in try time { _ = try renderer.render("/clients/\(client)?memos=10000&schedules=10000&ledger=10000") } }
        let window = CardWindow(memos: 50, schedules: 20, ledger: 50, now: Timestamp(unixMillis: now))
        let read = try (0..<runs).map { _ in try time { _ = try replica.client(client, window: window) } }
        let list = try (0..<runs).map { _ in try time { _ = try renderer.render("/clients?q=%EC%98%A4%EB%9E%98") } }
        print("  of which reading the card's window from the replica: p50 \(ms(percentile(read, 0.5))); the client list page around it for comparison: p50 \(ms(percentile(list, 0.5)))")
        print("card with \(history) memos, \(history) schedules and \(history) ledger entries: first page p50 \(ms(percentile(paged, 0.5))), p95 \(ms(percentile(paged, 0.95))); whole card (before paging) p50 \(ms(percentile(whole, 0.5)))")
        try replica.write { try $0.deleteClient(client) }
    }

    /// The search as the replica ran it before the trigram index: every card's folded
    /// name and e-mails scanned for the text, the phones for its digits; a page of 20 by
    /// name and the count.
    private static func scan(_ queue: DatabaseQueue, _ text: String) throws {
        let needle = text.lowercased()
        let digits = text.allSatisfy({ $0.isNumber || " -.()+".contains($0) }) ? text.filter(\.isNumber) : ""
        let condition = "(instr(crm_fold(c.name), ?1) > 0 OR instr(crm_fold(c.emails), ?1) > 0 OR (length(?2) >= 3 AND instr(c.phones, ?2) > 0))"
        try queue.read { db in
            _ = try Row.fetchAll(db, sql: "SELECT c.id, c.name FROM client c WHERE \(condition) AND c.archive_reason IS NULL ORDER BY crm_fold(c.name) LIMIT 20", arguments: [needle, digits])
            _ = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM client c WHERE \(condition) AND c.archive_reason IS NULL", arguments: [needle, digits])
        }
    }
}

private func time(_ body: () throws -> Void) throws -> Duration {
    let clock = ContinuousClock()
    return try clock.measure(body)
}

private func percentile(_ values: [Duration], _ fraction: Double) -> Duration {
    let sorted = values.sorted()
    return sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * fraction + 0.5))]
}

private func ms(_ duration: Duration) -> String {
    let (seconds, attoseconds) = duration.components
    return String(format: "%.1f ms", Double(seconds) * 1000 + Double(attoseconds) / 1e15)
}
