import ArgumentParser
import CRMSim
import Foundation
import SyncCore

/// `crm-sim`: runs the deterministic simulation over a range of seeds and prints any
/// failure with its seed; `--seed S --trace` replays one run step by step.
struct CRMSimCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crm-sim",
        abstract: "Deterministic simulation: 4 replicas and an in-process server under faults, checked for convergence and lost work.")

    @Option(help: "How many seeds to run.") var seeds: Int = 100
    @Option(help: "The first seed.") var start: UInt64 = 1
    @Option(help: "Random steps per run.") var steps: Int = 60
    @Flag(help: "Print each run's trace.") var trace = false
    @Flag(help: "Negative control: break the memo merge (later edit wins whole, no record).") var brokenMerge = false

    func run() throws {
        let began = Date()
        var failed: [UInt64] = []
        for seed in start..<(start + UInt64(seeds)) {
            let outcome = try Simulation(seed: seed, settings: .init(steps: steps, rules: .init(brokenMemoMerge: brokenMerge))).run()
            if trace { print(outcome.trace.joined(separator: "\n")) }
            if !outcome.failures.isEmpty {
                failed.append(seed)
                print("seed \(seed) FAILED (replay: crm-sim --seeds 1 --start \(seed) --trace)")
                for failure in outcome.failures.prefix(10) { print("  \(failure)") }
            }
        }
        let seconds = Date().timeIntervalSince(began)
        print("seeds \(start)..<\(start + UInt64(seeds)): \(seeds - failed.count) passed, \(failed.count) failed in \(String(format: "%.1f", seconds)) s")
        if !failed.isEmpty { throw ExitCode.failure }
    }
}

CRMSimCommand.main()
