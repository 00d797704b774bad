import Foundation
import ServerStore
import SyncCore

/// Wakes long-poll pulls, at a cost proportional to the devices that may see a change
/// (issue 14). One per server process:
/// - learns each new log head from its own pushes, from other instances' announcements
///   (``SyncStorage/watchHeads(_:)``) and from a head read every second;
/// - reads the new entries' summaries once (``LogSummary``: scope, client access), whatever
///   the number of waiting polls;
/// - judges each waiting poll in memory: a poll none of whose new entries concern its
///   author keeps waiting, its cursor moved past them; one that may see something wakes
///   and runs a filtered pull.
actor LiveFeed {
    /// Entries kept for judging; a poll whose cursor is older wakes (and pulls).
    static let kept = 20_000
    /// Summaries read per query.
    static let batch = 2_000

    /// What a waiting poll learns.
    enum Outcome: Equatable {
        /// Something after `from` may concern the poll: pull after `from`.
        case wake(from: Int64)
        /// Nothing it may see arrived before the wait ended; every entry through `through`
        /// was judged and concerns it not.
        case quiet(through: Int64)
    }

    private struct Waiter {
        var cursor: Int64
        let author: Permissions.Author
        var continuation: CheckedContinuation<Outcome, Never>?
    }

    private let storage: any SyncStorage
    /// The newest head known.
    private var head: Int64 = 0
    /// Summaries of entries after `keptFrom`, through `summarized`, in order.
    private var summaries: [LogSummary] = []
    private var keptFrom: Int64 = 0
    private var summarized: Int64 = 0
    private var reading = false
    private var started = false
    private var waiters: [UUID: Waiter] = [:]

    init(storage: any SyncStorage) {
        self.storage = storage
    }

    /// Records that the log reaches `position` (a push through this process committed):
    /// announces it to other instances and judges the waiting polls.
    func published(_ position: Int64) async {
        await storage.announce(head: position)
        await learned(position)
    }

    /// Waits until something after `cursor` may concern `author`, or `timeout` elapses.
    func wait(after cursor: Int64, author: Permissions.Author, timeout: Duration) async -> Outcome {
        startIfNeeded()
        if head > summarized { await readSummaries() }
        var waiter = Waiter(cursor: cursor, author: author)
        if let outcome = judge(&waiter) { return outcome }
        let id = UUID()
        let timer = Task { [weak self] in
            try? await Task.sleep(for: timeout)
            await self?.end(id)
        }
        let outcome = await withCheckedContinuation { continuation in
            waiter.continuation = continuation
            waiters[id] = waiter
        }
        timer.cancel()
        return outcome
    }

    private func end(_ id: UUID) {
        guard let waiter = waiters.removeValue(forKey: id) else { return }
        waiter.continuation?.resume(returning: .quiet(through: waiter.cursor))
    }

    /// Learns a head from anywhere; reads what is new and judges every waiting poll.
    func learned(_ position: Int64) async {
        head = max(head, position)
        // Also when a read failed earlier (the store was away): the once-a-second head
        // read tries again.
        guard summarized < head else { return }
        await readSummaries()
    }

    private func readSummaries() async {
        guard !reading else { return }
        reading = true
        defer { reading = false }
        while summarized < head {
            guard let batch = try? await storage.logSummaries(after: summarized, limit: Self.batch) else { break }
            guard let last = batch.last else {
                // The head was read before its entries became visible to this read, or
                // the store was replaced: judge again on the next head.
                break
            }
            summaries += batch
            summarized = last.position
            if summaries.count > Self.kept {
                let dropped = summaries.count - Self.kept
                keptFrom = summaries[dropped - 1].position
                summaries.removeFirst(dropped)
            }
            judgeWaiters()
        }
    }

    private func judgeWaiters() {
        for id in Array(waiters.keys) {
            guard var waiter = waiters[id] else { continue }
            if let outcome = judge(&waiter) {
                waiters[id] = nil
                waiter.continuation?.resume(returning: outcome)
            } else {
                waiters[id] = waiter
            }
        }
    }

    /// Moves the waiter's cursor past entries that concern it not; the outcome when one
    /// may (or when its cursor is older than what is kept), `nil` to keep waiting.
    private func judge(_ waiter: inout Waiter) -> Outcome? {
        guard waiter.cursor < summarized else { return nil }
        guard waiter.cursor >= keptFrom else { return .wake(from: waiter.cursor) }
        let start = summaries.partitioningIndex { $0.position > waiter.cursor }
        for summary in summaries[start...] {
            if summary.concerns(waiter.author) { return .wake(from: waiter.cursor) }
            waiter.cursor = summary.position
        }
        return nil
    }

    /// Starts reading the head every second and listening for other instances' heads; both
    /// end when the feed is released.
    private func startIfNeeded() {
        guard !started else { return }
        started = true
        let storage = storage
        Task { [weak self] in
            while !Task.isCancelled {
                guard self != nil else { return }
                if let head = try? await storage.logHead() { await self?.learned(head) }
                try? await Task.sleep(for: .seconds(1))
            }
        }
        Task { [weak self] in
            try? await storage.watchHeads { [weak self] head in await self?.learned(head) }
        }
    }
}

extension Array {
    /// The index of the first element for which `belongs` holds, given that it holds for
    /// every element after that one (binary search).
    func partitioningIndex(where belongs: (Element) -> Bool) -> Int {
        var low = startIndex
        var high = endIndex
        while low < high {
            let middle = (low + high) / 2
            if belongs(self[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }
}
