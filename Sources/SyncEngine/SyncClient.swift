import CRMModel
import Foundation
import LocalReplica
import Logging
import Synchronization
import SyncCore

/// What one sync pass did.
public struct SyncReport: Sendable, Equatable, Codable {
    /// Changes the server acknowledged (applied, or applied before).
    public var pushed = 0
    /// Of those, changes the server refused (kept in `crm rejected`).
    public var rejected = 0
    /// Changes pulled from the server and applied.
    public var pulled = 0
}

/// Sizes and waits of a sync client.
public struct SyncConfiguration: Sendable {
    /// Changes per push. Default 1,000.
    public var pushBatch = 1_000
    /// Changes per pull page. Default 5,000.
    public var pullPage = 5_000
    /// Called after each page of a long pull with its progress (a progress bar on a
    /// terminal); `nil` for none.
    public var progress: (@Sendable (CatchUp) -> Void)?

    /// Creates a configuration.
    public init(pushBatch: Int = 1_000, pullPage: Int = 5_000, progress: (@Sendable (CatchUp) -> Void)? = nil) {
        self.pushBatch = pushBatch
        self.pullPage = pullPage
        self.progress = progress
    }
}

/// Pushes a replica's outbox and pulls the server's log into it. Blocking: run it on a
/// thread of its own (the `crm` process's main thread, or the daemon's threads).
///
/// ```swift
/// let client = try SyncClient(replica: replica)
/// let report = try client.sync()   // push everything pending, pull everything new
/// ```
public final class SyncClient {
    let replica: Replica
    let transport: any SyncEndpoint
    let configuration: SyncConfiguration
    let logger: Logger
    let clock: any WallClock

    /// Creates a client for a replica set up with `crm init --server`.
    public init(replica: Replica, configuration: SyncConfiguration = .init(), clock: any WallClock = SystemWallClock(),
                logger: Logger = Logger(label: "crm.sync", factory: { _ in SwiftLogNoOpLogHandler() })) throws {
        guard let settings = try replica.syncSettings() else {
            throw SyncError.fatal("replica \(replica.path) is standalone: it has no server (create it with `crm init --server URL --token TOKEN`)")
        }
        self.replica = replica
        transport = SyncTransport(baseURL: settings.serverURL, token: try DeviceCredentials.load(forReplica: replica.path),
                                  caFile: try Self.trustedCAFile(settings.caFile, replica: replica.path))
        self.configuration = configuration
        self.logger = logger
        self.clock = clock
    }

    /// Creates a client that talks to the server through `endpoint` (the deterministic
    /// simulation calls the server's store directly).
    public init(replica: Replica, endpoint: any SyncEndpoint, configuration: SyncConfiguration = .init(), clock: any WallClock,
                logger: Logger = Logger(label: "crm.sync", factory: { _ in SwiftLogNoOpLogHandler() })) {
        self.replica = replica
        transport = endpoint
        self.configuration = configuration
        self.logger = logger
        self.clock = clock
    }

    /// The CA file a replica trusts, as an absolute path that exists. Replicas made before
    /// `crm init` stored it absolute may hold a relative one: it is read beside the replica,
    /// never from whatever directory `crm` happens to run in.
    static func trustedCAFile(_ stored: String?, replica: String) throws -> String? {
        guard let stored else { return nil }
        let path = stored.hasPrefix("/") ? stored
            : URL(fileURLWithPath: replica).deletingLastPathComponent().appendingPathComponent(stored).standardizedFileURL.path
        guard FileManager.default.fileExists(atPath: path) else {
            throw SyncError.fatal("the CA file this replica trusts (\(path)) is gone; put it back or create the replica again with crm init --ca-file")
        }
        return path
    }

    /// Registers a new replica with the server and records the server in the replica.
    public static func register(replica: Replica, serverURL: String, token: String, caFile: String?) throws -> RegisterResponse {
        let response = try register(replica: replica, endpoint: SyncTransport(baseURL: serverURL, token: token, caFile: caFile), serverURL: serverURL, caFile: caFile)
        try DeviceCredentials.save(token, forReplica: replica.path)
        return response
    }

    /// Registers a new replica through `endpoint` and records `serverURL` in the replica.
    public static func register(replica: Replica, endpoint: any SyncEndpoint, serverURL: String, caFile: String? = nil) throws -> RegisterResponse {
        let response = try endpoint.register(site: replica.siteID)
        try replica.attachServer(url: serverURL, caFile: caFile, userID: response.user)
        return response
    }

    /// Pushes everything pending, then pulls everything new. Throws ``SyncError/Recovery/purgePending``
    /// when it is done but revoked data could not yet be removed from the write-ahead log.
    public func sync() throws -> SyncReport {
        do {
            if try replica.purgePending() { try replica.purgeWriteAheadLog() }
            var report = try pushAll()
            report.pulled = try pullAll(wait: 0)
            try replica.recordSyncSuccess(at: now)
            if try replica.purgePending() {
                throw SyncError(recovery: .purgePending, description: """
                    in step with the server, but data this user may no longer see is still in \(replica.path)-wal because another \
                    program is reading the replica; it is removed when that program closes it (run crm sync again then)
                    """)
            }
            return report
        } catch let error as SyncError {
            try? replica.recordSyncError(error.description)
            throw error
        }
    }

    /// Pushes the outbox in batches until nothing is pending.
    public func pushAll() throws -> SyncReport {
        var report = SyncReport()
        var skewRetries = 0
        // Rows a previous settle could not read back (its reply was lost) come first.
        try readBack(try replica.pendingRowReads())
        var prepared: [(seq: Int64, json: String)]?
        while true {
            let pending = try prepared ?? replica.pendingWireChanges(limit: configuration.pushBatch)
            prepared = nil
            guard let first = pending.first, let last = pending.last else { return report }
            // What the server is about to acknowledge must not be lost here by a power cut.
            try replica.makeDurable()
            // Read the next batch while this one is on the wire and the server applies it.
            let next = Prefetch { [replica, limit = configuration.pushBatch] in try replica.pendingWireChanges(after: last.seq, limit: limit) }
            let result = try transport.push(site: replica.siteID, wireChanges: pending.map(\.json))
            switch result {
            case .success(let response):
                prepared = response.appliedThrough == last.seq ? try next.value() : nil
                try settle(pending, response)
                report.pushed += response.acks.count
                report.rejected += response.acks.filter { $0.status == .rejected }.count
                skewRetries = 0
            case .failure(let refusal) where refusal.error.code == "clock_skew" && skewRetries < 3:
                skewRetries += 1
                logger.warning("server refused our clock; re-stamping", metadata: ["sync.offset": "\(refusal.error.offsetMillis ?? 0)"])
                try replica.adoptClockOffset(serverTime: refusal.error.serverTime ?? clock.nowMillis(), localTime: clock.nowMillis())
            case .failure(let refusal) where refusal.error.code == "sequence_gap":
                guard let expected = refusal.error.expectedSeq, expected > first.seq else {
                    throw SyncError.fatal("server expects seq \(refusal.error.expectedSeq ?? -1) but this replica is at \(first.seq): the server lost changes it had acknowledged, or this replica was copied")
                }
                // An earlier push was applied but its reply was lost: settle those changes
                // as duplicates and read their rows back.
                let applied = pending.filter { $0.seq < expected }
                try settle(applied, PushResponse(acks: applied.map { Ack(seq: $0.seq, status: .duplicate) }, appliedThrough: expected - 1, serverTime: clock.nowMillis()))
            case .failure(let refusal):
                throw SyncError.fatal("server refused the push: \(refusal.error.code): \(refusal.error.message)")
            }
        }
    }

    /// Records the acks; only the changes whose ack needs attention are decoded.
    private func settle(_ pushed: [(seq: Int64, json: String)], _ response: PushResponse) throws {
        let attention = Set(response.acks.filter(\.needsRowRead).map(\.seq))
        let decoder = JSONDecoder()
        let changes = try pushed.filter { attention.contains($0.seq) }.map {
            try decoder.decode(WireChange.self, from: Data($0.json.utf8)).rowChange
        }
        try readBack(try replica.recordPush(changes, response: response, now: now))
    }

    /// Reads rows back from the server and writes its version into the replica.
    private func readBack(_ keys: [RowsRequest.Key]) throws {
        for start in stride(from: 0, to: keys.count, by: configuration.pushBatch) {
            let rows = try transport.rows(RowsRequest(keys: Array(keys[start..<min(start + configuration.pushBatch, keys.count)])))
            try replica.applyServerRows(rows)
            // Rows this replica may no longer hold come back as gone: leave no trace of them.
            if rows.rows.contains(where: { !$0.exists }) { try replica.purgeWriteAheadLog() }
        }
    }

    /// Pulls pages until the server has nothing newer; the first request may wait up to
    /// `wait` seconds for something to arrive (long poll).
    @discardableResult
    public func pullAll(wait: Int) throws -> Int {
        var pulled = 0
        var firstWait = wait
        var reported: CatchUp?
        while true {
            guard let settings = try replica.syncSettings() else { return pulled }
            let cursor = settings.pullCursor
            let page = try transport.pull(site: replica.siteID, after: cursor, offer: settings.offerAck, limit: configuration.pullPage, wait: firstWait)
            firstWait = 0
            // A clock far from the server's is corrected before it stamps another change.
            if try replica.observeServerTime(page.serverTime, localTime: clock.nowMillis()) {
                logger.warning("this workstation's clock is off; stamping with the server's time", metadata: ["sync.server_time": "\(page.serverTime)"])
            }
            let own = replica.siteID.description
            let ownThrough = page.changes.lazy.filter { $0.site == own }.map(\.seq).max()
            guard try replica.applyPulled(page.changes.map(\.rowChange), after: cursor, ownThrough: ownThrough, next: page.next, now: now,
                                          revokes: page.revokes ?? [], offer: page.offer, head: page.head, more: page.more) else {
                // A read-back moved the cursor back while this page was on the wire.
                continue
            }
            if !(page.revokes ?? []).isEmpty { try replica.purgeWriteAheadLog() }
            pulled += page.changes.count
            if let progress = configuration.progress {
                // The last page clears the replica's progress: report it finished.
                if let catchUp = try replica.status().catchUp {
                    progress(catchUp)
                    reported = catchUp
                } else if var finished = reported {
                    finished.done = finished.total
                    progress(finished)
                    reported = nil
                }
            }
            if !page.more {
                // The pulled cards enter the search index in one go.
                try replica.flushSearchIndex()
                return pulled
            }
        }
    }

    /// Downloads the whole log from the replica's cursor without applying it (benchmarks
    /// time the apply separately).
    public func fetchPages() throws -> [[RowChange]] {
        var pages: [[RowChange]] = []
        var cursor = try replica.syncSettings()?.pullCursor ?? 0
        var offer = try replica.syncSettings()?.offerAck ?? 0
        while true {
            let page = try transport.pull(site: replica.siteID, after: cursor, offer: offer, limit: configuration.pullPage, wait: 0)
            pages.append(page.changes.map(\.rowChange))
            cursor = page.next
            offer = page.offer ?? offer
            if !page.more { return pages }
        }
    }

    private var now: Timestamp { Timestamp(unixMillis: clock.nowMillis()) }
}

/// Work started on another thread now, whose result is collected later.
private final class Prefetch<T: Sendable>: Sendable {
    private let result = Mutex<Result<T, any Error>?>(nil)
    private let done = DispatchSemaphore(value: 0)

    init(_ work: @escaping @Sendable () throws -> T) {
        Thread { [self] in
            let outcome = Result { try work() }
            result.withLock { $0 = outcome }
            done.signal()
        }.start()
    }

    /// Waits for the work and returns its result.
    func value() throws -> T {
        done.wait()
        done.signal()
        return try result.withLock { $0! }.get()
    }
}
