import ArgumentParser
import CRMTestSupport
import Foundation
import PostgresStore
import Synchronization
import SyncCore
import SyncServer

/// `crm-bench fanout`: hundreds of devices hold long polls while single-change pushes
/// arrive at a steady rate (issue 14). Devices are managers spread over branches, so each
/// change may be seen by the devices of one branch only. Measures push latency, and the
/// time from a push's send until each device that may see the change has it.
struct FanoutBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "fanout", abstract: "Push and change-to-visible latency with many long-polling devices.")

    @Option(help: "Long-polling devices.") var devices = 500
    @Option(help: "Single-change pushes per second.") var pushesPerSecond = 50
    @Option(help: "Seconds of pushing.") var seconds = 20
    @Option(help: "Branches the devices (managers) and the changed clients spread over.") var branches = 25
    @Option(help: "sqlite or postgres.") var store = "sqlite"
    @Option(help: "For --store postgres: an empty database, postgres://USER@HOST:PORT/DATABASE.") var postgres: String?

    func validate() throws {
        guard ["sqlite", "postgres"].contains(store) else { throw ValidationError("--store: sqlite or postgres") }
        guard store == "sqlite" || postgres != nil else { throw ValidationError("--store postgres needs --postgres URL (an empty database)") }
        guard devices >= 1, pushesPerSecond >= 1, seconds >= 1, branches >= 1 else { throw ValidationError("--devices, --pushes-per-second, --seconds, --branches: at least 1") }
    }

    func run() async throws {
        let directory = NSTemporaryDirectory() + "crm-fanout-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let storage: any SyncStorage = try await store == "postgres"
            ? PostgresSyncStorage(location: PostgresLocation(url: postgres ?? ""))
            : SQLiteSyncStorage(path: directory + "/org.sqlite")
        let server = try await ServerInstance(store: storage)
        defer { server.stop() }
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        var branchIDs: [String] = []
        for index in 0..<branches { branchIDs.append(try await storage.addBranch(name: "Branch \(index)", now: now)) }
        func token(_ name: String, role: String, branch: String) async throws -> String {
            let user = try await storage.addUser(name: name, role: role, team: "other", branch: branch, now: now)
            let token = DeviceToken.generate()
            _ = try await storage.addDevice(user: user, name: name, tokenHash: DeviceToken.hash(token))
            return token
        }
        let pusherToken = try await token("pusher", role: "executive", branch: branchIDs[0])
        var tokens: [(token: String, branch: Int)] = []
        for index in 0..<devices { tokens.append((try await token("device \(index)", role: "manager", branch: branchIDs[index % branches]), index % branches)) }
        let (url, rate, duration, branchCount, deviceCount) = (server.url, pushesPerSecond, seconds, min(branches, devices), devices)
        let (branchList, deviceTokens) = (branchIDs, tokens)
        print("fanout benchmark (\(store)): \(deviceCount) devices long-polling (managers over \(branchCount) branches), \(rate) single-change pushes/s for \(duration) s")

        let report = try await onThread { () throws -> String in
            let pusher = try HostileDevice(url: url, token: pusherToken)
            let clients = (0..<branchCount).map { _ in UUID().uuidString.lowercased() }
            let created = try pusher.push(clients.enumerated().map { index, id in
                ("client", id, ["name": .text("Fanout client \(index)"), "branch_id": .text(branchList[index]), "created_at": .text(ISO8601DateFormatter().string(from: Date()))])
            })
            if let refused = created.first(where: { $0.status != .applied }) {
                throw ValidationError("creating the clients: \(refused.reason ?? "") \(refused.detail ?? "")")
            }
            let sent = Mutex<[Int: Date]>([:])
            let receipts = Mutex<[Double]>([])
            let replies = Atomic<Int>(0)
            let stop = Atomic<Bool>(false)
            let ready = Atomic<Int>(0)
            // Each device: register, catch up, then long-poll; a change "fanout N" it receives
            // is timed from the push's send.
            for (token, _) in deviceTokens {
                let thread = Thread {
                    guard let device = try? HostileDevice(url: url, token: token) else { return }
                    var cursor: Int64 = 0
                    var offer: Int64 = 0
                    var first = true
                    while !stop.load(ordering: .relaxed) {
                        let wait = first ? 0 : 30
                        guard let reply = try? device.send("GET", "/v1/pull?after=\(cursor)&site=\(device.site)&offer=\(offer)&limit=1000&wait=\(wait)"),
                              reply.status == 200,
                              let page = try? JSONDecoder().decode(PullResponse.self, from: reply.body) else { continue }
                        let arrived = Date()
                        replies.add(1, ordering: .relaxed)
                        cursor = page.next
                        offer = page.offer ?? offer
                        if first, !page.more {
                            first = false
                            ready.add(1, ordering: .relaxed)
                        }
                        let text = String(decoding: reply.body, as: UTF8.self)
                        var found: [Double] = []
                        var rest = text[...]
                        while let range = rest.range(of: "\"fanout ") {
                            let digits = rest[range.upperBound...].prefix { $0.isNumber }
                            if let number = Int(digits), let at = sent.withLock({ $0[number] }) { found.append(arrived.timeIntervalSince(at) * 1000) }
                            rest = rest[range.upperBound...]
                        }
                        if !found.isEmpty { receipts.withLock { $0 += found } }
                    }
                }
                thread.stackSize = 1 << 18
                thread.start()
            }
            while ready.load(ordering: .relaxed) < deviceCount { Thread.sleep(forTimeInterval: 0.05) }
            Thread.sleep(forTimeInterval: 0.5)
            let repliesBefore = replies.load(ordering: .relaxed)
            var pushLatencies: [Double] = []
            let started = Date()
            let total = rate * duration
            for number in 0..<total {
                let due = started.addingTimeInterval(Double(number) / Double(rate))
                let pause = due.timeIntervalSinceNow
                if pause > 0 { Thread.sleep(forTimeInterval: pause) }
                let at = Date()
                sent.withLock { $0[number] = at }
                let ack = try pusher.push("client", clients[number % branchCount], ["name": .text("fanout \(number)")])
                guard ack.status == .applied else { throw ValidationError("push \(number): \(ack.reason ?? "") \(ack.detail ?? "")") }
                pushLatencies.append(Date().timeIntervalSince(at) * 1000)
            }
            let pushing = Date().timeIntervalSince(started)
            Thread.sleep(forTimeInterval: 3)
            stop.store(true, ordering: .relaxed)
            let visible = receipts.withLock { $0 }
            let expected = total * (deviceCount / branchCount)
            func percentile(_ values: [Double], _ p: Double) -> Double {
                values.isEmpty ? .nan : values.sorted()[min(values.count - 1, Int(Double(values.count) * p))]
            }
            let polls = replies.load(ordering: .relaxed) - repliesBefore
            return [
                String(format: "pushes: %d in %.1f s (%.1f/s); push latency p50 %.1f ms, p99 %.1f ms", total, pushing, Double(total) / pushing,
                       percentile(pushLatencies, 0.5), percentile(pushLatencies, 0.99)),
                String(format: "visible at the devices: %d of %d expected receipts; latency p50 %.1f ms, p99 %.1f ms", visible.count, expected,
                       percentile(visible, 0.5), percentile(visible, 0.99)),
                String(format: "pull replies while pushing: %d (%.1f per push; %d devices may see each change)", polls, Double(polls) / Double(total), deviceCount / branchCount),
                String(format: "peak RSS: %.0f MiB (server and %d device threads in one process)", peakRSSMiB(), deviceCount),
            ].joined(separator: "\n")
        }
        print(report)
        Foundation.exit(0)
    }
}
