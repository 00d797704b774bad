import CRMModel
import Foundation
import LocalReplica
import SyncCore
import SyncEngine
import SyncServer

/// A sync server running in the benchmark's process on a free loopback port (the
/// clients still talk to it over real HTTP through libcurl), and replicas registered with it.
final class BenchServer: Sendable {
    private let server: LoopbackServer
    var storage: SQLiteSyncStorage { server.storage }
    var url: String { server.url }
    var directory: String { server.directory }

    /// Starts a server with its store in a new temporary directory, removed by ``stop()``.
    init(label: String) async throws {
        server = try await LoopbackServer(label: "bench-\(label)")
    }

    /// A new replica of a new executive, registered (no first sync).
    func replica(_ name: String) async throws -> Replica {
        try await member(name).replica
    }

    /// A new staff member with `role` in `branch` (a new branch when `nil`), their token and
    /// a registered replica (no first sync).
    func member(_ name: String, role: String = "executive", branch: String? = nil) async throws -> (replica: Replica, user: String, token: String) {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        var branchID = branch
        if branchID == nil { branchID = try await storage.addBranch(name: "Branch of \(name)", now: now) }
        let branch = branchID!
        let user = try await storage.addUser(name: name, role: role, team: "other", branch: branch, now: now)
        let token = DeviceToken.generate()
        _ = try await storage.addDevice(user: user, name: name, tokenHash: DeviceToken.hash(token))
        let replica = try Replica.create(at: "\(directory)/\(name).crm")
        let url = self.url
        try await onThread { _ = try SyncClient.register(replica: replica, serverURL: url, token: token, caFile: nil) }
        return (replica, user, token)
    }

    /// Stops the server and removes its directory.
    func stop() { server.stop() }
}

/// Runs blocking work (libcurl, GRDB's synchronous API) on a thread of its own, off the
/// cooperative pool that the in-process server needs.
func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}

/// Seconds in a `Duration`.
func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

/// The peak resident set size of this process so far, in MiB.
func peakRSSMiB() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
}
