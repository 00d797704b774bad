import ArgumentParser
import CRMModel
import Foundation
import LocalReplica
import SyncCore
import SyncEngine
import SyncServer

/// `crm-bench new-clients`: N clients, each with a memo (a third assigned to the manager,
/// a third to nobody, a third to another manager), are added at the head office after every
/// workstation synced; then a manager's next sync beside an executive's next sync of the
/// same log (the baseline: no filtering, no holdings). Also the server's own time for the
/// manager's pulls, page by page, read from the store: it must grow with N, not with
/// N × pages (issue 11).
struct NewClientsBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "new-clients", abstract: "A manager's sync after N new clients, beside an executive's.")

    @Option(help: "Numbers of new clients, comma-separated.") var counts = "1000,10000"
    @Option(help: "Changes per pull page.") var page = 5_000

    func run() async throws {
        let counts = self.counts.split(separator: ",").compactMap { Int($0) }
        print("new-clients benchmark: N new clients with a memo each after every workstation synced; pages of \(page) changes")
        print("| N | executive sync (baseline) | manager sync | manager ÷ executive | server time for the manager's pulls | pages | server µs per new client |")
        print("|---|---|---|---|---|---|---|")
        for count in counts { try await measure(count) }
    }

    private func measure(_ count: Int) async throws {
        let server = try await BenchServer(label: "new-clients-\(count)")
        defer { server.stop() }
        let (writer, _, _) = try await server.member("kim")
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let branch = try await server.storage.addBranch(name: "Gangnam", now: now)
        let manager = try await server.member("park", role: "manager", branch: branch)
        let other = try await server.member("choi", role: "manager", branch: branch)
        let executive = try await server.member("lee", role: "executive", branch: branch)
        let page = self.page
        // A second replica of the manager, pulled straight from the store to time the server.
        let probe = try await server.member("park-probe", role: "manager", branch: branch)
        try await onThread {
            for member in [writer, manager.replica, other.replica, executive.replica, probe.replica] { _ = try SyncClient(replica: member).sync() }
            try writer.write { w in
                for index in 0..<count {
                    let assignee: String? = [manager.user, nil, other.user][index % 3]
                    let client = try w.addClient(NewClient(name: "Client \(index)", branchID: BranchID(branch), assigneeID: assignee.flatMap(UserID.init)))
                    _ = try w.addMemo(to: client, text: "Memo of client \(index): prefers weekday mornings, father pays.")
                }
            }
            _ = try SyncClient(replica: writer, configuration: .init(pushBatch: 5_000)).pushAll()
        }
        let clock = ContinuousClock()
        var times: [Double] = []
        for member in [executive.replica, manager.replica] {
            let started = clock.now
            _ = try await onThread { try SyncClient(replica: member, configuration: .init(pullPage: page)).sync() }
            times.append(seconds(clock.now - started))
        }
        // The server's work for the probe's pulls, timed at the store.
        let device = try require(try await server.storage.device(tokenHash: DeviceToken.hash(probe.token)), "probe device")
        let viewer = Viewer(author: device.author, site: probe.replica.siteID.description, deviceID: device.id)
        var cursor = try probe.replica.syncSettings()?.pullCursor ?? 0
        var offer = try probe.replica.syncSettings()?.offerAck ?? 0
        var pages = 0
        var serverTime = 0.0
        while true {
            let started = clock.now
            let reply = try server.storage.pullNow(after: cursor, offer: offer, limit: page, viewer: viewer)
            serverTime += seconds(clock.now - started)
            pages += 1
            cursor = reply.last
            offer = reply.offer ?? offer
            if !reply.more { break }
        }
        print(String(format: "| %d | %.2f s | %.2f s | %.2f× | %.0f ms | %d | %.1f |",
                     count, times[0], times[1], times[1] / times[0], serverTime * 1000, pages, serverTime * 1e6 / Double(count)))
    }
}

/// Fails a benchmark with a message when a value is missing.
private func require<T>(_ value: T?, _ what: String = "value") throws -> T {
    guard let value else { throw ValidationError("missing \(what)") }
    return value
}
