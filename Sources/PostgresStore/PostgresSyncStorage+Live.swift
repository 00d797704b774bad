import Foundation
import PostgresNIO
import ServerStore
import SyncCore

/// Live updates across instances: LISTEN/NOTIFY as a hint (ADR 0008). A push's instance
/// announces the new head after its transaction committed, never inside it, at most once
/// per ``HeadAnnouncer/interval``; every instance listens on one connection and also reads
/// the head every second, so a lost notification costs at most a second.
extension PostgresSyncStorage {
    /// The channel heads are announced on.
    static let channel = "crm_log_head"

    public func logHead() async throws -> Int64 {
        try await session { session in try PGRecords(session: session, locks: nil).logHead() }
    }

    public func logSummaries(after position: Int64, limit: Int) async throws -> [LogSummary] {
        try await session { session in
            try session.query("""
                SELECT l.position, l.scope, l.access, r.deleted, r.f -> 'branch_id' ->> 'v', r.f -> 'assignee_id' ->> 'v'
                FROM change_log l
                LEFT JOIN LATERAL (SELECT deleted, fields::jsonb AS f FROM record WHERE entity = 'client' AND row_id = l.client_id) r ON true
                WHERE l.position > \(position) ORDER BY l.position LIMIT \(limit)
                """).map { row in
                let (position, scope, access, deleted, branch, assignee) = try row.decode((Int64, String?, Int16, Bool?, String?, String?).self)
                return LogSummary(position: position, scope: scope.flatMap(Buckets.Scope.init(rawValue:)),
                                  client: deleted.map { ClientAccess(deleted: $0, branch: branch, assignee: assignee).state }, changesAccess: access > 0)
            }
        }
    }

    public func watchHeads(_ onHead: @escaping @Sendable (Int64) async -> Void) async throws {
        while !Task.isCancelled {
            do {
                try await client.withConnection { connection in
                    for try await notification in try await connection.listen(Self.channel) {
                        if let head = Int64(notification.payload) { await onHead(head) }
                    }
                }
            } catch is CancellationError {
                return
            } catch {
                // The database restarted or the connection dropped: listen again shortly;
                // the once-a-second head read covers the gap.
                logger.warning("listening for log heads failed: \(Self.describe(error))")
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }

    public func announce(head: Int64) async {
        await announcer.announce(head)
    }
}

/// Sends `pg_notify` for new heads, coalesced: at most one per ``interval``, carrying the
/// newest head, so a burst of pushes costs one notification (NOTIFY takes a cluster-wide
/// lock at commit).
actor HeadAnnouncer {
    /// The shortest time between two notifications from one instance.
    static let interval: Duration = .milliseconds(50)
    private let client: PostgresClient
    private var newest: Int64 = 0
    private var sent: Int64 = 0
    private var scheduled = false
    private var lastSent = ContinuousClock.now - .seconds(1)

    init(client: PostgresClient) {
        self.client = client
    }

    func announce(_ head: Int64) {
        newest = max(newest, head)
        guard !scheduled, newest > sent else { return }
        scheduled = true
        let wait = max(.zero, lastSent + Self.interval - ContinuousClock.now)
        Task {
            if wait > .zero { try? await Task.sleep(for: wait) }
            await self.send()
        }
    }

    private func send() async {
        let head = newest
        lastSent = ContinuousClock.now
        // A hint that fails is not sent again: listeners read the head within a second.
        _ = try? await client.query("SELECT pg_notify(\(PostgresSyncStorage.channel), \(String(head)))")
        sent = max(sent, head)
        scheduled = false
        if newest > sent { announce(newest) }
    }
}
