import CRMModel
import SyncCore
import Testing

@Suite("Push planning (the server's merge rules, without I/O)")
struct PushPlannerTests {
    let client = "0192f0c1-0000-7000-8000-00000000c001"
    let now: Int64 = 1_795_000_000_000

    func change(_ seq: Int64, _ millis: Int64, _ fields: [String: FieldValue]) -> WireChange {
        WireChange(seq: seq, hlc: HLCTimestamp(millis: millis, counter: 0).packed, e: "client", r: client, f: fields)
    }

    func input(site: String = "site-a", applied: Int64 = 0, rows: [RowKey: RowState] = [:]) -> PushPlanner.Input {
        .init(site: site, appliedThrough: applied, rows: rows)
    }

    @Test func alreadyAppliedSequencesAreDuplicatesAndChangeNothing() {
        let plan = PushPlanner.plan([change(1, 1, ["name": .text("A")]), change(2, 2, ["name": .text("B")])], input(applied: 1))
        #expect(plan.acks.map(\.status) == [.duplicate, .rejected])  // seq 2 would create a row without created_at
        #expect(plan.log.isEmpty)
        #expect(plan.appliedThrough == 2)
    }

    @Test func olderTimestampLosesTheFieldAndIsReportedSuperseded() {
        let key = RowKey("client", client)
        let existing = RowState(fields: ["name": FieldState(value: .text("New"), hlc: HLCTimestamp(millis: 500, counter: 0), site: "site-b")])
        let plan = PushPlanner.plan([change(1, 100, ["name": .text("Old"), "dormant": .integer(1)])], input(rows: [key: existing]))
        #expect(plan.acks.first?.superseded == ["name"])
        #expect(plan.rows[key]?.fields["name"]?.value == .text("New"))
        #expect(plan.rows[key]?.fields["dormant"]?.value == .integer(1))
        #expect(plan.log.first?.change.fields == [FieldAssignment("dormant", .integer(1))])
    }

    @Test func equalTimestampsAreBrokenBySiteID() {
        let key = RowKey("client", client)
        let stamp = HLCTimestamp(millis: 500, counter: 0)
        let existing = RowState(fields: ["name": FieldState(value: .text("From B"), hlc: stamp, site: "site-b")])
        let fromA = PushPlanner.plan([change(1, 500, ["name": .text("From A")])], input(site: "site-a", rows: [key: existing]))
        #expect(fromA.rows[key]?.fields["name"]?.value == .text("From B"))
        let fromC = PushPlanner.plan([change(1, 500, ["name": .text("From C")])], input(site: "site-c", rows: [key: existing]))
        #expect(fromC.rows[key]?.fields["name"]?.value == .text("From C"))
    }

    @Test func laterChangeOfTheSameSiteInOneTransactionWins() {
        let created = change(1, 500, ["name": .text("First"), "created_at": .text("2026-11-22T10:00:00Z")])
        let plan = PushPlanner.plan([created, change(2, 500, ["name": .text("Second")])], input())
        #expect(plan.rows[RowKey("client", client)]?.fields["name"]?.value == .text("Second"))
    }

    @Test func batchMustContinueTheSitesSequence() {
        #expect(PushPlanner.checkBatch([change(3, 1, [:])], appliedThrough: 1, now: now, maxSkewMillis: 60_000)?.error.expectedSeq == 2)
        #expect(PushPlanner.checkBatch([change(2, 1, [:]), change(4, 1, [:])], appliedThrough: 1, now: now, maxSkewMillis: 60_000)?.error.code == "sequence_gap")
        #expect(PushPlanner.checkBatch([change(1, 1, [:]), change(2, 1, [:])], appliedThrough: 1, now: now, maxSkewMillis: 60_000) == nil)
    }

    @Test func clockTooFarAheadIsRefusedWithTheOffset() {
        let refusal = PushPlanner.checkBatch([change(1, now + 120_000, [:])], appliedThrough: 0, now: now, maxSkewMillis: 60_000)
        #expect(refusal?.error.code == "clock_skew")
        #expect(refusal?.error.offsetMillis == -120_000)
        #expect(PushPlanner.checkBatch([change(1, now + 59_000, [:])], appliedThrough: 0, now: now, maxSkewMillis: 60_000) == nil)
    }

    @Test func deletingAClientIsReportedForTheCascade() {
        let key = RowKey("client", client)
        let plan = PushPlanner.plan([WireChange(seq: 1, hlc: 1, e: "client", r: client, d: 1)], input(rows: [key: RowState()]))
        #expect(plan.deletedClients == [client])
        #expect(plan.rows[key]?.deleted == true)
    }
}

@Suite("Retry backoff")
struct BackoffTests {
    @Test func delaysGrowExponentiallyWithinJitterAndStopAtTheCap() {
        let backoff = Backoff(baseMillis: 100, capMillis: 2_000)
        var random = SplitMix64(seed: 1)
        for attempt in 1...10 {
            let ceiling = min(2_000, 100 << (attempt - 1))
            for _ in 0..<50 {
                let delay = backoff.delayMillis(attempt: attempt, using: &random)
                #expect(delay >= ceiling / 2 && delay <= ceiling, "attempt \(attempt): \(delay)")
            }
        }
    }

    @Test func defaultRetryWaitsAtMostFourSecondsSoAWorkstationResumesWithinFiveOfARestart() {
        var random = SplitMix64(seed: 3)
        let longest = (1...40).map { Backoff().delayMillis(attempt: $0, using: &random) }.max()!
        #expect(longest <= 4_000)
        #expect(longest >= 2_000)
    }

    @Test func jitterSpreadsOfficesThatFailedTogether() {
        let backoff = Backoff()
        var random = SplitMix64(seed: 2)
        let delays = Set((0..<20).map { _ in backoff.delayMillis(attempt: 5, using: &random) })
        #expect(delays.count > 10)
    }
}

/// ``ClockCorrection``: pending stamps move with the learned offset and keep their order.
@Suite struct ClockCorrectionTests {
    @Test func shiftedStampsKeepWhenTheChangeWasMadeInServerTime() {
        let stamps = [HLCTimestamp(millis: 1_000_000, counter: 0), HLCTimestamp(millis: 1_005_000, counter: 0)]
        let shifted = ClockCorrection.shift(stamps, by: -900_000, ceiling: 200_000)
        #expect(shifted == [HLCTimestamp(millis: 100_000, counter: 0), HLCTimestamp(millis: 105_000, counter: 0)])
    }

    @Test func shiftedStampsStayStrictlyIncreasingAndNotPastNow() {
        let stamps = (0..<5).map { HLCTimestamp(millis: 1_000 + Int64($0), counter: 0) }
        let shifted = ClockCorrection.shift(stamps, by: 10_000, ceiling: 10_500)
        #expect(shifted.allSatisfy { $0.millis <= 10_500 })
        #expect(zip(shifted, shifted.dropFirst()).allSatisfy { $0 < $1 })
    }

    @Test func smallDifferencesAreNoiseNotSkew() {
        #expect(!ClockCorrection.needsCorrection(serverTime: 100_000, localTime: 95_000, offset: 0))
        #expect(ClockCorrection.needsCorrection(serverTime: 100_000, localTime: 100_000 - 262_000, offset: 0))
        #expect(!ClockCorrection.needsCorrection(serverTime: 100_000, localTime: 100_000 - 262_000, offset: 262_000))
    }
}
