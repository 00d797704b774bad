import ArgumentParser
import LocalReplica

/// `crm-bench seed`: writes synthetic client cards into an existing replica through
/// `Replica.write`, for benchmarks that run the real `crm` and `crm-server` processes
/// (scripts/bench-first-sync.sh).
struct SeedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "seed", abstract: "Write synthetic client cards into a replica.")

    @Option(help: "The replica file.") var replica: String
    @Option(help: "Client cards to write.") var count = 100_000
    @Option(help: "Cards per transaction.") var batch = 10_000

    func run() throws {
        let target = try Replica.open(at: replica)
        for start in stride(from: 0, to: count, by: batch) {
            try target.write { writer in
                for index in start..<min(start + batch, count) {
                    _ = try writer.addClient(NewClient(name: "Client \(index)", phones: ["+82 10 \(1000 + index % 9000) \(1000 + index % 7919)"],
                                                       emails: ["client\(index)@example.com"], birthDate: "1990-01-\(10 + index % 19)"))
                }
            }
        }
    }
}
