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

    /// Runs a simulation on a thread of its own: it blocks while it waits for the store,
    /// which must not hold one of the few threads Swift's concurrency runs tests on.
    private func run(_ seed: UInt64, _ settings: Simulation.Settings = .init()) async throws -> Simulation.Outcome {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try Simulation(seed: seed, settings: settings).run() }) }.start()
        }
    }

    @Test func randomSeedsConvergeWithEveryChangeOnceAndEveryTypedWordKept() async throws {
        let first = UInt64(ProcessInfo.processInfo.environment["CRM_SEED"] ?? "") ?? 1
        for seed in first..<(first + seeds) {
            let outcome = try await run(seed)
            #expect(outcome.failures.isEmpty, "seed \(seed) (replay: swift run crm-sim --seeds 1 --start \(seed) --trace):\n\(outcome.failures.prefix(5).joined(separator: "\n"))")
            if !outcome.failures.isEmpty { return }
        }
    }

    @Test func aSeedReplaysToTheSameTrace() async throws {
        let first = try await run(4242)
        let second = try await run(4242)
        #expect(first.trace == second.trace)
        #expect(first.trace.count > 60)
    }

    @Test func brokenMemoMergeIsCaughtWithinTheSeedBudget() async throws {
        var caught: UInt64?
        for seed in 1...seeds {
            let outcome = try await run(seed, .init(rules: .init(brokenMemoMerge: true)))
            if outcome.failures.contains(where: { $0.hasPrefix("memo words typed and lost") }) {
                caught = seed
                break
            }
        }
        #expect(caught != nil, "a memo merge that keeps only the later edit passed \(seeds) seeds")
    }
}
