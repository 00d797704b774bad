import CRMModel
import SyncCore

/// The faults between the workstations and the server, decided by the run's seeded
/// generator: requests lost on the way, replies lost after the server acted, requests
/// delivered twice, and requests held back to be delivered again later (reordered).
public final class SimNetwork {
    /// Chances per request, in percent.
    public struct Faults: Sendable {
        /// The request never arrives.
        public var lostRequest = 5
        /// The server acts, the reply never arrives.
        public var lostReply = 10
        /// The request arrives twice.
        public var duplicated = 5
        /// A copy of the request is held and delivered again later.
        public var delayedCopy = 10

        /// No faults (the final quiesce).
        public static let none = Faults(lostRequest: 0, lostReply: 0, duplicated: 0, delayedCopy: 0)

        /// Creates fault chances.
        public init(lostRequest: Int = 5, lostReply: Int = 10, duplicated: Int = 5, delayedCopy: Int = 10) {
            self.lostRequest = lostRequest
            self.lostReply = lostReply
            self.duplicated = duplicated
            self.delayedCopy = delayedCopy
        }
    }

    var random: SplitMix64
    /// The current chances.
    public var faults = Faults()
    /// Push requests held back: (device index, request).
    var held: [(Int, PushRequest)] = []
    /// What happened, for the trace.
    var events: [String] = []

    init(random: SplitMix64) { self.random = random }

    func chance(_ percent: Int) -> Bool { percent > 0 && Int(random.next() % 100) < percent }

    func pick(_ count: Int) -> Int { Int(random.next() % UInt64(count)) }
}
