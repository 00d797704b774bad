import ArgumentParser
import CRMModel
import Foundation
import LocalReplica
import SyncCore
import SyncEngine
import SyncServer

/// `crm-bench partial`: a branch of 10,000 clients, each with a memo and a schedule; a
/// manager assigned 500 of them takes a first sync (card headers of all, details of 500)
/// beside an executive's full first sync of the same branch: time and bytes on the wire.
struct PartialPullBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "partial", abstract: "A manager's partial first sync against an executive's full one.")

    @Option(help: "Clients in the branch.") var clients = 10_000
    @Option(help: "Of those, assigned to the manager.") var assigned = 500

    func run() async throws {
        let server = try await BenchServer(label: "partial")
        defer { server.stop() }
        let (writer, _, _) = try await server.member("kim")
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let branchID = try await server.storage.addBranch(name: "Gangnam", now: now)
        let manager = try await server.member("park", role: "manager", branch: branchID)
        let other = try await server.member("choi", role: "manager", branch: branchID)
        let full = try await server.member("lee", role: "executive", branch: branchID)
        let (clients, assigned) = (clients, assigned)
        print("partial pull benchmark: \(clients) clients in one branch, each with a memo and a schedule; the manager is assigned \(assigned)")
        try await onThread {
            _ = try SyncClient(replica: writer).sync()   // learns the branch and the managers
            try writer.write { w in
                let start = try Timestamp(parsing: "2026-12-01T10:00:00Z", field: "start")
                for index in 0..<clients {
                    let assignee = index < assigned ? manager.user : other.user
                    let client = try w.addClient(NewClient(name: "Client \(index)", phones: ["+82 10 \(1000 + index % 9000) \(1000 + index % 7919)"],
                                                          branchID: BranchID(branchID), assigneeID: UserID(assignee)))
                    _ = try w.addMemo(to: client, text: "Memo of client \(index): prefers weekday mornings, father pays.")
                    _ = try w.addSchedule(for: client, start: start, end: Timestamp(unixMillis: start.unixMillis + 3_600_000))
                }
            }
            _ = try SyncClient(replica: writer, configuration: .init(pushBatch: 5_000)).pushAll()
        }
        let clock = ContinuousClock()
        for (label, member) in [("executive (full)", full), ("manager (partial)", manager)] {
            let bytes = try await onThread { try Self.pullBytes(url: server.url, token: member.token, site: member.replica.siteID) }
            let started = clock.now
            let pulled = try await onThread { try SyncClient(replica: member.replica).pullAll(wait: 0) }
            let elapsed = seconds(clock.now - started)
            let held = try await onThread { try (member.replica.clients().count, member.replica.replicatedRows(of: ["memo"])["memo"]?.count ?? 0) }
            print(String(format: "%@: first pull %.2f s, %d changes, %.1f MiB on the wire; holds %d cards, %d memos",
                         label, elapsed, pulled, Double(bytes) / 1_048_576, held.0, held.1))
        }
    }

    /// The bytes of every pull page from the start of the log for `token`, read with
    /// libcurl as the client would (but without a site, so no holdings are recorded).
    static func pullBytes(url: String, token: String, site: SiteID) throws -> Int {
        let http = CurlHTTPClient()
        var cursor: Int64 = 0
        var total = 0
        while true {
            let reply = try http.send(method: "GET", url: "\(url)/v1/pull?after=\(cursor)&limit=5000", headers: ["Authorization": "Bearer \(token)"], body: nil, timeout: 60)
            total += reply.body.count
            let page = try JSONDecoder().decode(PullResponse.self, from: reply.body)
            cursor = page.next
            if !page.more { return total }
        }
    }
}
