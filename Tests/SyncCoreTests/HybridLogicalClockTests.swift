import SyncCore
import Testing

@Suite("Hybrid logical clock")
struct HybridLogicalClockTests {
    @Test func ticksFollowTheWallClockWhenItMovesForward() {
        var clock = HybridLogicalClock()
        #expect(clock.tick(wallMillis: 1_000) == HLCTimestamp(millis: 1_000, counter: 0))
        #expect(clock.tick(wallMillis: 2_000) == HLCTimestamp(millis: 2_000, counter: 0))
    }

    @Test func staysMonotonicWhenTheWallClockJumpsBack() {
        var clock = HybridLogicalClock()
        var previous = clock.tick(wallMillis: 10_000)
        for wall: Int64 in [10_000, 9_000, 1, 9_999, 10_000, 10_001, 5] {
            let next = clock.tick(wallMillis: wall)
            #expect(next > previous)
            previous = next
        }
        #expect(previous.millis == 10_001)
    }

    @Test func observingARemoteTimestampOrdersLaterLocalEventsAfterIt() {
        var clock = HybridLogicalClock()
        _ = clock.tick(wallMillis: 1_000)
        let remote = HLCTimestamp(millis: 50_000, counter: 7)
        clock.observe(remote, wallMillis: 1_001)
        #expect(clock.tick(wallMillis: 1_002) > remote)
    }

    @Test func spentCounterBorrowsTheNextMillisecond() {
        var clock = HybridLogicalClock(last: HLCTimestamp(millis: 5, counter: .max))
        let next = clock.tick(wallMillis: 1)
        #expect(next == HLCTimestamp(millis: 6, counter: 0))
    }

    @Test func learnedOffsetShiftsStamps() {
        var clock = HybridLogicalClock(offsetMillis: 60_000)
        #expect(clock.tick(wallMillis: 1_000).millis == 61_000)
    }

    @Test func packedFormOrdersLikeTimestamps() {
        let stamps = [HLCTimestamp(millis: 1, counter: 5), HLCTimestamp(millis: 2, counter: 0), HLCTimestamp(millis: 2, counter: 1)]
        #expect(stamps.map(\.packed) == stamps.map(\.packed).sorted())
        for stamp in stamps { #expect(HLCTimestamp(packed: stamp.packed) == stamp) }
    }
}
