import ArgumentParser

/// `crm-bench`: the project's benchmarks. Each prints its figures beside a baseline run in
/// the same process, so ratios hold on a noisy machine. Build with `-c release`.
struct CRMBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crm-bench",
        abstract: "Benchmarks of the sync engine, each beside a plain-SQLite baseline.",
        subcommands: [WriteBenchmark.self]
    )
}

CRMBench.main()
