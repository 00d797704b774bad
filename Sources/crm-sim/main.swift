import ArgumentParser
import CRMSim
import Foundation
import Synchronization
import SyncCore

/// `crm-sim`: runs the deterministic simulation over a range of seeds and prints any
/// failure with its seed; `--seeds 1 --start S --trace` replays one run step by step.
struct CRMSimCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crm-sim",
        abstract: "Deterministic simulation: 4 replicas and an in-process server under faults, checked for convergence and lost work.")

    @Option(help: "How many seeds to run.") var seeds: Int = 100
    @Option(help: "The first seed.") var start: UInt64 = 1
    @Option(help: "Random steps per run.") var steps: Int = 60
    @Option(help: "Seeds run at once (each run is single-threaded and deterministic).") var jobs: Int = ProcessInfo.processInfo.activeProcessorCount
    @Flag(help: "Print each run's trace.") var trace = false
    @Flag(help: "Negative control: break the memo merge (the later edit wins whole, nothing recorded).") var brokenMerge = false
    @Flag(help: "Succeed only if some seed fails (for the negative control); stops at the first failure.") var expectFailure = false

    func run() throws {
        let began = Date()
        let failed = Mutex<[UInt64]>([])
        let settings = Simulation.Settings(steps: steps, rules: .init(brokenMemoMerge: brokenMerge))
        let (start, seeds, trace, expectFailure) = (start, seeds, trace, expectFailure)
        let workers = max(1, min(jobs, seeds))
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var seed = start + UInt64(worker)
            while seed < start + UInt64(seeds) {
                if expectFailure && !failed.withLock({ $0.isEmpty }) { return }
                do {
                    let outcome = try Simulation(seed: seed, settings: settings).run()
                    let report = (trace ? outcome.trace.joined(separator: "\n") + "\n" : "")
                        + (outcome.failures.isEmpty ? "" : "seed \(seed) FAILED (replay: crm-sim --seeds 1 --start \(seed) --trace)\n"
                            + outcome.failures.prefix(10).map { "  \($0)\n" }.joined())
                    if !outcome.failures.isEmpty { failed.withLock { $0.append(seed) } }
                    if !report.isEmpty { print(report, terminator: "") }
                } catch {
                    failed.withLock { $0.append(seed) }
                    print("seed \(seed) FAILED with an error: \(error)")
                }
                seed += UInt64(workers)
            }
        }
        let failures = failed.withLock { $0 }.sorted()
        let seconds = Date().timeIntervalSince(began)
        print("seeds \(start)..<\(start + UInt64(seeds)): \(failures.count) failed\(failures.isEmpty ? "" : " (first: \(failures[0]))") in \(String(format: "%.1f", seconds)) s, \(workers) at a time")
        if expectFailure {
            guard !failures.isEmpty else {
                print("negative control NOT caught: the broken rule passed every seed")
                throw ExitCode.failure
            }
            print("negative control caught at seed \(failures[0])")
        } else if !failures.isEmpty {
            throw ExitCode.failure
        }
    }
}

CRMSimCommand.main()
