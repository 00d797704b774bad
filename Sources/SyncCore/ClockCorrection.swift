/// Moving a workstation's pending stamps when it learns that its clock is wrong.
///
/// A change is stamped when it is made, with the wall clock plus the offset to the server
/// the replica knew then. When a reply shows that the offset was wrong by `delta`, each
/// pending stamp moves by `delta`: the change keeps the moment it was really made, so a
/// clock a day ahead neither wins every conflict nor, re-stamped at push time, wins the
/// ones made between its edit and its push. Order is kept (each stamp stays above the one
/// before), and no stamp goes past `ceiling` (now, in server time).
public enum ClockCorrection {
    /// How far the server's clock may seem off before a replica corrects its own: replies
    /// take time on slow links, so small differences are noise.
    public static let toleranceMillis: Int64 = 10_000

    /// `stamps` (in order) moved by `delta` milliseconds, strictly increasing, none later
    /// than `ceiling` unless order requires it.
    public static func shift(_ stamps: [HLCTimestamp], by delta: Int64, ceiling: Int64) -> [HLCTimestamp] {
        var out: [HLCTimestamp] = []
        out.reserveCapacity(stamps.count)
        for stamp in stamps {
            let millis = min(stamp.millis &+ delta, ceiling)
            var next = HLCTimestamp(millis: millis, counter: stamp.counter)
            if let previous = out.last, next <= previous {
                next = previous.counter < UInt16.max ? HLCTimestamp(millis: previous.millis, counter: previous.counter + 1)
                    : HLCTimestamp(millis: previous.millis + 1, counter: 0)
            }
            out.append(next)
        }
        return out
    }

    /// Whether a reply stamped `serverTime`, received at `localTime` by a replica that adds
    /// `offset` to its clock, shows the offset wrong by more than the tolerance.
    public static func needsCorrection(serverTime: Int64, localTime: Int64, offset: Int64) -> Bool {
        abs(serverTime - (localTime + offset)) > toleranceMillis
    }
}
