import CRMSim
import CRMTestSupport
import Foundation
import SyncCore
import Testing

/// The deterministic simulation (CRMSim): four offices, an in-process server, faults and
/// skewed clocks. `scripts/test.sh` also runs 10,000 seeds of the release build.
@Suite("Deterministic simulation: every replica converges and nothing typed is lost", .serialized)
struct SimulationTests {
    /// Seeds per test run here (debug build); `CRM_SIM_TEST_SEEDS` raises it.
    private var seeds: UInt64 { UInt64(ProcessInfo.processInfo.environment["CRM_SIM_TEST_SEEDS"] ?? "") ?? 100 }

    @Test func randomSeedsConvergeWithEveryChangeOnceAndEveryTypedWordKept() throws {
        let first = UInt64(ProcessInfo.processInfo.environment["CRM_SEED"] ?? "") ?? 1
        for seed in first..<(first + seeds) {
            let outcome = try Simulation(seed: seed).run()
            #expect(outcome.failures.isEmpty, "seed \(seed) (replay: swift run crm-sim --seeds 1 --start \(seed) --trace):\n\(outcome.failures.prefix(5).joined(separator: "\n"))")
            if !outcome.failures.isEmpty { return }
        }
    }

    @Test func aSeedReplaysToTheSameTrace() throws {
        let first = try Simulation(seed: 4242).run()
        let second = try Simulation(seed: 4242).run()
        #expect(first.trace == second.trace)
        #expect(first.trace.count > 60)
    }

    @Test func brokenMemoMergeIsCaughtWithinTheSeedBudget() throws {
        var caught: UInt64?
        for seed in 1...seeds {
            let outcome = try Simulation(seed: seed, settings: .init(rules: .init(brokenMemoMerge: true))).run()
            if outcome.failures.contains(where: { $0.hasPrefix("memo words typed and lost") }) {
                caught = seed
                break
            }
        }
        #expect(caught != nil, "a memo merge that keeps only the later edit passed \(seeds) seeds")
    }
}
