import Synchronization
import SyncCore

/// The simulation's time: moved only by the simulation, so every run of a seed sees the
/// same instants.
public final class SimClock: WallClock {
    private let millis: Mutex<Int64>

    /// Starts at `millis`.
    public init(_ millis: Int64) { self.millis = Mutex(millis) }

    public func nowMillis() -> Int64 { millis.withLock { $0 } }

    /// Moves time forward.
    public func advance(by delta: Int64) { millis.withLock { $0 += delta } }
}

/// A workstation's clock: the simulation's time off by a fixed skew.
struct SkewedClock: WallClock {
    let base: SimClock
    let skew: Int64

    func nowMillis() -> Int64 { base.nowMillis() + skew }
}
