/// How long to wait before retry number `attempt` (1, 2, …): exponential from `base`,
/// capped at `cap`, with "full jitter" (a uniform draw between half and all of it), so
/// offices that lost the network together do not reconnect in step. Pure: the random
/// source is passed in.
public struct Backoff: Sendable, Equatable {
    /// The first delay, milliseconds.
    public var baseMillis: Int
    /// The longest delay, milliseconds.
    public var capMillis: Int

    /// Creates a policy. Defaults: 250 ms doubling to 4 s, so a workstation resumes within
    /// 5 s of its server coming back (one request every 2–4 s per workstation while the
    /// server is down is no load worth saving).
    public init(baseMillis: Int = 250, capMillis: Int = 4_000) {
        self.baseMillis = baseMillis
        self.capMillis = capMillis
    }

    /// The delay before retry `attempt`, drawn with `random`.
    public func delayMillis(attempt: Int, using random: inout some RandomNumberGenerator) -> Int {
        let exponent = min(max(attempt - 1, 0), 20)
        let ceiling = min(capMillis, baseMillis << exponent)
        return Int.random(in: (ceiling / 2)...max(ceiling / 2, ceiling), using: &random)
    }
}
