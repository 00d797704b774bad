/// A long pull under way: how far the replica has come through the server's log since the
/// pull began, how far it must go, and an estimate of the time left from the pace so far.
/// Counted in log positions, so for a replica that receives only some buckets the total
/// includes changes it will not receive: progress still moves evenly from 0 to all.
public struct CatchUp: Sendable, Equatable, Codable {
    /// Changes of the log passed since the pull began.
    public var done: Int64
    /// Changes of the log ahead when the pull began, plus those added since.
    public var total: Int64
    /// When the pull began, Unix milliseconds.
    public var startedAt: Int64

    /// Describes progress.
    public init(done: Int64, total: Int64, startedAt: Int64) {
        self.done = done
        self.total = total
        self.startedAt = startedAt
    }

    /// Progress from a pull that began after `from`, has reached `cursor`, and was last
    /// told the log ends at `head`; `nil` when nothing is ahead.
    public init?(from: Int64, cursor: Int64, head: Int64, startedAt: Int64) {
        guard head > from else { return nil }
        self.init(done: min(max(cursor - from, 0), head - from), total: head - from, startedAt: startedAt)
    }

    /// Seconds left at the pace so far; `nil` until there is a pace to go by.
    public func secondsLeft(now: Int64) -> Double? {
        let elapsed = Double(now - startedAt) / 1000
        guard done > 0, elapsed > 0 else { return nil }
        return Double(total - done) / (Double(done) / elapsed)
    }

    /// The share done, 0 to 1.
    public var fraction: Double { total > 0 ? Double(done) / Double(total) : 1 }
}
