import ArgumentParser

/// `crm-bench`: the project's benchmarks. Each prints its figures beside a baseline run in
/// the same process, so ratios hold on a noisy machine. Build with `-c release`.
struct CRMBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crm-bench",
        abstract: "Benchmarks of the sync engine, each beside a plain-SQLite baseline.",
        subcommands: [WriteBenchmark.self, SyncBenchmark.self, LatencyBenchmark.self, PartialPullBenchmark.self, NewClientsBenchmark.self, SearchBenchmark.self, SeedCommand.self, FanoutBenchmark.self]
    )
}

/// Parses the command line and runs the chosen benchmark.
@main
struct CRMBenchMain {
    static func main() async {
        do {
            var command = try CRMBench.parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            CRMBench.exit(withError: error)
        }
    }
}
