import SyncCore
import Testing

/// The holding of one bucket at one replica (``Holding``): sent whole only when the log
/// cannot bring it, purged whenever the replica may hold something it must not.
@Suite("Holdings: what a replica is owed of a bucket")
struct HoldingsTests {
    @Test func aBucketWhoseRowsAllComeAfterTheCursorArrivesThroughTheLogWithoutASnapshot() {
        #expect(Holding.next(nil, visible: true, arrivesThroughLog: true) == .held)
    }

    @Test func aBucketWithRowsBeforeTheCursorIsOwedAsASnapshot() {
        #expect(Holding.next(nil, visible: true, arrivesThroughLog: false) == .want)
    }

    @Test func aBucketNeverHeldAndNotVisibleIsNothing() {
        #expect(Holding.next(nil, visible: false, arrivesThroughLog: true) == nil)
        #expect(Holding.next(nil, visible: false, arrivesThroughLog: false) == nil)
    }

    @Test func aBucketLostIsRevokedEvenWhenItsSnapshotWasOnlyOffered() {
        // An offer applied whose acknowledgement was lost leaves rows behind: purge them.
        #expect(Holding.next(.held, visible: false, arrivesThroughLog: false) == .revoke)
        #expect(Holding.next(.want, visible: false, arrivesThroughLog: true) == .revoke)
        #expect(Holding.next(.revoke, visible: false, arrivesThroughLog: false) == .revoke)
    }

    @Test func aBucketRegainedBeforeItsPurgeWasAcknowledgedIsSentWholeAgain() {
        #expect(Holding.next(.revoke, visible: true, arrivesThroughLog: true) == .want)
    }

    @Test func visibleHoldingsStayAsTheyAre() {
        for current in [Holding.held, .want] {
            for throughLog in [true, false] {
                #expect(Holding.next(current, visible: true, arrivesThroughLog: throughLog) == current)
            }
        }
    }

    @Test func anAcknowledgedGrantIsHeldAndAnAcknowledgedRevokeIsForgotten() {
        #expect(Holding.acknowledged(.want, granted: true) == .held)
        #expect(Holding.acknowledged(.revoke, granted: false) == nil)
        // An acknowledgement changes nothing it did not offer.
        #expect(Holding.acknowledged(.held, granted: false) == .held)
        #expect(Holding.acknowledged(.revoke, granted: true) == .revoke)
    }
}
