import CRMModel
import CRMTestSupport
import Foundation
import LocalReplica
import Testing
import WorkstationUI

/// Pages that stay quick on long histories and big offices: a card shows a window of its
/// memos, schedules and ledger with "show more"; the indicator shows a long pull's progress.
@Suite("Card windows and the progress of a long pull, as pages show them")
struct PageWindowTests {
    @Test func aLongCardShowsTheNewestFiftyMemosAndOffersTheRest() throws {
        let directory = try TemporaryDirectory()
        let replica = try ReplicaFixtures.make(in: directory)
        let client = try replica.write { writer -> ClientID in
            let client = try writer.addClient(NewClient(name: "Kim Minji"))
            for index in 0..<120 { _ = try writer.addMemo(to: client, text: "memo number \(index) end") }
            return client
        }
        let renderer = PageRenderer(replica: replica)
        let first = try renderer.render("/clients/\(client)?lang=en")
        #expect(memoCount(first) == 50)
        #expect(first.contains("memo number 119 end") && !first.contains("memo number 69 end"), "the newest fifty")
        #expect(first.contains("50 of 120 shown"))
        #expect(first.contains("memos=100"))
        let more = try renderer.render("/clients/\(client)?memos=100&lang=en")
        #expect(memoCount(more) == 100)
        let all = try renderer.render("/clients/\(client)?memos=200&lang=en")
        #expect(memoCount(all) == 120)
        #expect(!all.contains("of 120 shown") && !all.contains("Show more"), "nothing hidden, nothing offered")
    }

    @Test func schedulesAreWindowedSeparatelyUpcomingNearestFirstAndPastLatestFirst() throws {
        let directory = try TemporaryDirectory()
        let replica = try ReplicaFixtures.make(in: directory)
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let hour: Int64 = 3_600_000
        let client = try replica.write { writer -> ClientID in
            let client = try writer.addClient(NewClient(name: "Lee Hana"))
            for index in 1...30 {
                let past = try writer.addSchedule(for: client, start: Timestamp(unixMillis: now - Int64(index) * 24 * hour), end: Timestamp(unixMillis: now - Int64(index) * 24 * hour + hour))
                try writer.markScheduleDone(past)
                _ = try writer.addSchedule(for: client, start: Timestamp(unixMillis: now + Int64(index) * 24 * hour), end: Timestamp(unixMillis: now + Int64(index) * 24 * hour + hour))
            }
            return client
        }
        let card = try replica.client(client, window: CardWindow(schedules: 20, now: Timestamp(unixMillis: now)))
        #expect(card.schedules.count == 40)
        #expect(card.upcomingCount == 30 && card.pastCount == 30)
        let upcoming = card.schedules.filter { $0.state == "scheduled" }.map(\.start)
        let past = card.schedules.filter { $0.state == "done" }.map(\.start)
        #expect(upcoming.first == Timestamp(unixMillis: now + 24 * hour).description, "the nearest upcoming is kept")
        #expect(past.last == Timestamp(unixMillis: now - 24 * hour).description, "the latest past is kept")
        let page = try PageRenderer(replica: replica).render("/clients/\(client)?lang=en")
        #expect(page.components(separatedBy: "20 of 30 shown").count - 1 == 2, "both lists say what they hide")
    }

    @Test func theIndicatorShowsALongPullAsXOfYChangesInThePagesLanguage() throws {
        let directory = try TemporaryDirectory()
        let replica = try ReplicaFixtures.make(in: directory)
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        try replica.applyPulled([], after: 0, next: 2_500, now: Timestamp(unixMillis: now - 5_000), head: 10_000, more: true)
        let renderer = PageRenderer(replica: replica)
        let english = try renderer.render("/clients?lang=en")
        #expect(english.contains("Receiving 2,500 of 10,000 changes"), "\(english)")
        #expect(english.contains("<progress value=\"2500\" max=\"10000\">"))
        #expect(english.contains("about "), "an estimate of the time left")
        #expect(try renderer.render("/clients?lang=ko").contains("변경 10,000건 중 2,500건 받는 중"))
        #expect(try renderer.render("/clients?lang=ru").contains("Получено 2"))
        try replica.applyPulled([], after: 2_500, next: 10_000, now: Timestamp(unixMillis: now), head: 10_000, more: false)
        #expect(!(try renderer.render("/clients?lang=en")).contains("<progress"))
    }

    @Test func aSearchAsBroadAsOneLetterCountsOnlyAsFarAsThePageNeeds() throws {
        let directory = try TemporaryDirectory()
        let replica = try ReplicaFixtures.make(in: directory)
        try replica.write { writer in for index in 0..<1_030 { _ = try writer.addClient(NewClient(name: "Kim \(index)")) } }
        let page = try PageRenderer(replica: replica).render("/clients/rows?q=k&lang=en")
        #expect(page.contains("more than 1,000 clients"), "\(page.prefix(400))")
        let narrow = try PageRenderer(replica: replica).render("/clients/rows?q=kim%2010&lang=en")
        #expect(narrow.contains("41 client(s)"), "Kim 10, Kim 100…109, Kim 1000…1029")
    }

    private func memoCount(_ html: String) -> Int { html.components(separatedBy: "class=\"memo-text\"").count - 1 }
}
