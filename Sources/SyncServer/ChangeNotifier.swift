import Foundation

/// Wakes long-poll pulls when a push adds changes to the log.
actor ChangeNotifier {
    private var latest: Int64 = 0
    private var waiters: [UUID: CheckedContinuation<Void, Never>] = [:]
    private var finished: Set<UUID> = []

    /// Records that the log now reaches `position` and wakes every waiter.
    func publish(_ position: Int64) {
        latest = max(latest, position)
        let woken = waiters
        waiters.removeAll()
        for (id, continuation) in woken {
            finished.insert(id)
            continuation.resume()
        }
    }

    /// Returns when the log passes `cursor` or `timeout` elapses, whichever is first.
    func wait(after cursor: Int64, timeout: Duration) async {
        if latest > cursor { return }
        let id = UUID()
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.suspend(id, after: cursor) }
            group.addTask {
                try? await Task.sleep(for: timeout)
                await self.wake(id)
            }
            await group.next()
            group.cancelAll()
            self.wake(id)
        }
        finished.remove(id)
    }

    private func suspend(_ id: UUID, after cursor: Int64) async {
        if finished.contains(id) || latest > cursor { return }
        await withCheckedContinuation { continuation in
            if finished.contains(id) || latest > cursor {
                continuation.resume()
            } else {
                waiters[id] = continuation
            }
        }
    }

    private func wake(_ id: UUID) {
        finished.insert(id)
        waiters.removeValue(forKey: id)?.resume()
    }
}
