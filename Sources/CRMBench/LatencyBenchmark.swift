import ArgumentParser
import CRMModel
import Foundation
import LocalReplica
import Logging
import SyncCore
import SyncEngine

/// `crm-bench latency`: single edits on replica A, each timed from A's commit until it is
/// visible on replica B, with both replicas run by the watch daemon (`crm sync --watch`'s
/// engine) against a server over loopback.
struct LatencyBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "latency", abstract: "Edit-to-visible latency between two watching replicas.")

    @Option(help: "Edits to time.") var edits = 200

    func run() async throws {
        let server = try await BenchServer(label: "latency")
        defer { server.stop() }
        let a = try await server.replica("a")
        let b = try await server.replica("b")
        var logger = Logger(label: "bench.daemon")
        logger.logLevel = .error
        for replica in [a, b] {
            let daemon = SyncDaemon(replica: replica, logger: logger)
            Thread { _ = try? daemon.run() }.start()
        }
        let edits = edits
        let latencies = try await onThread { () throws -> [Double] in
            Thread.sleep(forTimeInterval: 1)
            let client = try a.write { try $0.addClient(NewClient(name: "Latency 0")) }
            while (try? b.client(client)) == nil { Thread.sleep(forTimeInterval: 0.001) }
            var results: [Double] = []
            for index in 1...edits {
                let name = "Latency \(index)"
                let started = Date()
                try a.write { try $0.editClient(client, ClientEdit(name: name)) }
                while (try b.client(client)).name != name { Thread.sleep(forTimeInterval: 0.0005) }
                results.append(Date().timeIntervalSince(started) * 1000)
                Thread.sleep(forTimeInterval: 0.02)
            }
            return results.sorted()
        }
        func percentile(_ p: Double) -> Double { latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))] }
        print("latency benchmark: \(edits) single edits on A, each until visible on B; both replicas in watch mode (50 ms outbox poll)")
        print(String(format: "p50: %.1f ms, p90: %.1f ms, p99: %.1f ms, max: %.1f ms", percentile(0.5), percentile(0.9), percentile(0.99), latencies.last ?? 0))
    }
}
