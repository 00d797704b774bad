import Foundation

/// Seeds for randomised tests: `CRM_SEED` replays a failure; otherwise a fresh seed each
/// run. Tests print the seed in every failure message.
public enum TestSeed {
    /// The seed to use for this run.
    public static func current() -> UInt64 {
        if let text = ProcessInfo.processInfo.environment["CRM_SEED"], let seed = UInt64(text) { return seed }
        return UInt64.random(in: 1...UInt64.max)
    }
}
