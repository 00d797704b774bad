import Synchronization
import SyncCore

/// A wall clock that tests set by hand, including backwards.
public final class ManualClock: WallClock {
    private let millis: Mutex<Int64>

    /// Starts at `millis` (Unix milliseconds).
    public init(_ millis: Int64 = 1_795_000_000_000) { self.millis = Mutex(millis) }

    public func nowMillis() -> Int64 { millis.withLock { $0 } }

    /// Sets the time.
    public func set(_ value: Int64) { millis.withLock { $0 = value } }

    /// Moves the time by `delta` milliseconds (negative goes back).
    public func advance(by delta: Int64) { millis.withLock { $0 += delta } }
}
