import CRMModel
import Foundation
import GRDB
import SQLiteBinding
import SyncCore

/// Where a replica syncs, and how far it has got.
public struct SyncSettings: Sendable, Equatable {
    /// The server's base URL.
    public var serverURL: String
    /// A PEM file of CAs to trust instead of the system's, if any.
    public var caFile: String?
    /// This replica's site id.
    public var site: SiteID
    /// The last log position applied from the server.
    public var pullCursor: Int64
    /// The highest sequence number the server has acknowledged.
    public var ackedSeq: Int64
    /// The last offer of grants and revokes applied (0 for none), sent with the next pull.
    public var offerAck: Int64 = 0
}

extension Replica {
    /// The sync settings, or `nil` for a standalone replica.
    public func syncSettings() throws -> SyncSettings? {
        try read { db in
            guard let row = try Row.fetchOne(try db.cachedStatement(sql: "SELECT server_url, ca_file, site_id, pull_cursor, acked_seq, offer_ack FROM replica_meta WHERE id = 1")),
                  let url: String = row[0] else { return nil }
            return SyncSettings(serverURL: url, caFile: row[1], site: siteID, pullCursor: row[3], ackedSeq: row[4], offerAck: row[5])
        }
    }

    /// Records the server this replica syncs with, and the staff member it belongs to.
    public func attachServer(url: String, caFile: String?, userID: String) throws {
        try writeTransaction { db in
            try db.cachedStatement(sql: "UPDATE replica_meta SET server_url = ?, ca_file = ?, user_id = ? WHERE id = 1").execute(arguments: [url, caFile, userID])
        }
    }

    /// Settles a push: advances the acknowledged sequence, drops fully acknowledged outbox
    /// rows, and keeps refused changes in the rejected list. Records, in the same
    /// transaction, the rows whose server version must be read back (refused, superseded or
    /// unheard-of outcomes), and returns every row still waiting for that read.
    public func recordPush(_ pushed: [RowChange], response: PushResponse, now: Timestamp) throws -> [RowsRequest.Key] {
        try writeTransaction { db in
            let bySeq = Dictionary(uniqueKeysWithValues: pushed.map { ($0.seq, $0) })
            var keys: [RowsRequest.Key] = []
            for ack in response.acks {
                guard let change = bySeq[ack.seq] else { continue }
                if ack.needsRowRead {
                    // A refused client deletion took the client's rows here too: read them back.
                    let refusedClientDeletion = ack.status == .rejected && change.entity == .client && change.operation == .delete
                    keys.append(RowsRequest.Key(e: change.entity.name, r: change.rowID, children: refusedClientDeletion ? true : nil))
                }
                guard ack.status == .rejected else { continue }
                let fields: [FieldAssignment?] = change.fields.isEmpty ? [nil] : change.fields
                for field in fields {
                    try db.execute(sql: """
                        INSERT INTO rejected_change (seq, entity, entity_id, field, value, reason, detail, rejected_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                        """, arguments: [change.seq, change.entity.name, change.rowID, field?.field, field.map { "\($0.value)" },
                                         ack.reason ?? "rejected", ack.detail, now.description])
                }
            }
            try db.cachedStatement(sql: "UPDATE replica_meta SET acked_seq = MAX(acked_seq, ?) WHERE id = 1").execute(arguments: [response.appliedThrough])
            try db.cachedStatement(sql: "DELETE FROM outbox WHERE last_seq <= (SELECT acked_seq FROM replica_meta WHERE id = 1)").execute()
            for key in keys {
                try db.cachedStatement(sql: "INSERT INTO pending_row_read (entity, row_id, children) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET children = MAX(children, excluded.children)").execute(arguments: [key.e, key.r, key.children == true])
            }
            return try Self.pendingRowReads(db)
        }
    }

    /// Rows whose server version a settled push still needs read back.
    public func pendingRowReads() throws -> [RowsRequest.Key] {
        try read { db in try Self.pendingRowReads(db) }
    }

    private static func pendingRowReads(_ db: Database) throws -> [RowsRequest.Key] {
        try Row.fetchAll(try db.cachedStatement(sql: "SELECT entity, row_id, children FROM pending_row_read ORDER BY entity, row_id")).map {
            RowsRequest.Key(e: $0[0], r: $0[1], children: ($0[2] as Bool) ? true : nil)
        }
    }

    /// Writes the server's version of rows read back after a push. Fields with changes
    /// still pending here keep their local value (they will be settled by their own push).
    public func applyServerRows(_ response: RowsResponse) throws {
        try writeTransaction { db in
            // The versions are as of the server's log position `response.position`. If the
            // pull already applied log entries past it, this read-back may be older than
            // them for these rows: pull again from that position, so the entries after it
            // land on top of the read-back (applying an entry twice is harmless).
            try db.cachedStatement(sql: "UPDATE replica_meta SET pull_cursor = MIN(pull_cursor, ?) WHERE id = 1").execute(arguments: [response.position])
            let pending = try Self.unacknowledged(db)
            for row in response.rows {
                try db.cachedStatement(sql: "DELETE FROM pending_row_read WHERE entity = ? AND row_id = ?").execute(arguments: [row.e, row.r])
                guard let spec = RemoteApply.spec(row.e) else { continue }
                let local = pending.filter { $0.entity.name == row.e && $0.rowID == row.r }
                if !row.exists {
                    if local.isEmpty { try db.cachedStatement(sql: "DELETE FROM \(spec.sqlTable) WHERE id = ?").execute(arguments: [row.r]) }
                    continue
                }
                if local.contains(where: { $0.operation == .delete }) { continue }
                let held = Set(local.flatMap { $0.fields.map(\.field) })
                // The whole row as the server holds it: a field it never stored is at its
                // default there (a refused change of it is undone here too).
                let server = row.f ?? [:]
                let fields = zip(spec.columns, spec.defaults).filter { !held.contains($0.0) }.map { FieldAssignment($0.0, server[$0.0] ?? $0.1) }
                _ = try RemoteApply.upsert(spec, id: row.r, fields: fields, db: db, logger: configuration.logger)
            }
        }
    }

    /// Applies a page of the server's log and advances the pull cursor, in one transaction;
    /// then replays this replica's pending changes on the rows the page touched, so local
    /// edits stay visible on top of the server's state.
    ///
    /// `after` is the cursor the page was requested from. When a read-back moved the cursor
    /// below it meanwhile (``applyServerRows(_:)``), the page is not applied (it would skip
    /// the entries in between) and the method returns `false`: pull again.
    ///
    /// `offer` names the grants and revokes the page carries: stored with the cursor, it
    /// tells the server at the next pull that they were applied.
    ///
    /// `ownThrough` is the highest sequence number of this replica's own changes in the page:
    /// the server processed every change up to it, so those are not replayed on top even
    /// while their acknowledgement is still on the way (the page's later entries from other
    /// sites would otherwise be hidden under them for good).
    ///
    /// `head` (the log's newest position, from the reply) and `more` keep the progress of a
    /// long pull (``ReplicaStatus/catchUp``) with the cursor.
    ///
    /// The cards a page writes are left pending for the search index: the pull indexes
    /// them once at its end (``flushSearchIndex()``), where FTS5 takes them in bulk.
    @discardableResult
    public func applyPulled(_ changes: [RowChange], after: Int64? = nil, ownThrough: Int64? = nil, next: Int64, now: Timestamp, revokes: [Revoke] = [],
                            offer: Int64? = nil, head: Int64? = nil, more: Bool = false) throws -> Bool {
        try writeTransaction(indexing: false) { db in
            let meta = try Row.fetchOne(try db.cachedStatement(sql: "SELECT pull_cursor, logged_seq FROM replica_meta WHERE id = 1"))
            if let after, let cursor: Int64 = meta?["pull_cursor"], cursor < after { return false }
            let logged = max(meta?["logged_seq"] ?? 0, ownThrough ?? 0)
            for revoke in revokes { try Self.purge(revoke, db: db) }
            var touched = Set<RowKey>()
            var newest = HLCTimestamp.zero
            for change in changes {
                try RemoteApply.apply(change, db: db, logger: configuration.logger)
                touched.insert(RowKey(change.entity.name, change.rowID))
                newest = max(newest, change.hlc)
            }
            if !touched.isEmpty {
                for change in try Self.unacknowledged(db) where change.seq > logged && touched.contains(RowKey(change.entity.name, change.rowID)) {
                    try RemoteApply.apply(change, db: db, logger: configuration.logger)
                }
            }
            // Later local edits must order after everything seen from the server.
            try db.execute(sql: """
                UPDATE replica_meta SET pull_cursor = MAX(pull_cursor, ?), logged_seq = ?, last_hlc = MAX(last_hlc, ?), last_sync_at = ?, last_error = NULL,
                    offer_ack = COALESCE(?, offer_ack) WHERE id = 1
                """, arguments: [next, logged, newest.packed, now.description, offer])
            if let head {
                // Progress of a long pull: begun by a page that says more follows, ended by
                // the page that says nothing does.
                try db.cachedStatement(sql: """
                    UPDATE replica_meta SET catch_up_from = CASE WHEN ?1 THEN COALESCE(catch_up_from, ?2) END,
                        catch_up_head = CASE WHEN ?1 THEN ?3 END,
                        catch_up_started_at = CASE WHEN ?1 THEN COALESCE(catch_up_started_at, ?4) END
                    WHERE id = 1
                    """).execute(arguments: [more, after ?? next, head, now.unixMillis])
            }
            return true
        }
    }

    /// Removes a bucket this replica may no longer hold: the client's details (memos,
    /// journals, money, enrolments, planned calls, its tasks and every conflict record about
    /// the client or any of its rows), or the whole card. Not logged: the server asked for it.
    static func purge(_ revoke: Revoke, db: Database) throws {
        // Conflict records are details: by the client they carry, and (records made before
        // they carried one) by the row they are about.
        try db.execute(sql: "DELETE FROM conflict WHERE client_id = ?", arguments: [revoke.client])
        var ids: [String] = [revoke.client]
        for entity in ReplicatedSchema.childrenOfClient.map(\.kind.name) {
            ids += try String.fetchAll(db, sql: "SELECT id FROM \(SQLIdentifier.quote(entity)) WHERE client_id = ?", arguments: [revoke.client])
        }
        for id in ids { try db.execute(sql: "DELETE FROM conflict WHERE entity_id = ?", arguments: [id]) }
        for entity in Buckets.entities(of: revoke.scope == .header ? .details : revoke.scope) {
            try db.execute(sql: "DELETE FROM \(SQLIdentifier.quote(entity)) WHERE client_id = ?", arguments: [revoke.client])
        }
        if revoke.scope == .header { try db.execute(sql: "DELETE FROM client WHERE id = ?", arguments: [revoke.client]) }
    }

    /// Makes every committed local write durable on disk (the replica commits with
    /// synchronous=NORMAL, which a power cut may roll back). Called before changes leave the
    /// machine: a change the server has, rolled back here, would let this replica reuse its
    /// sequence number, and the server would take the new change for a duplicate.
    public func makeDurable() throws {
        try pool.writeWithoutTransaction { db in
            _ = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(FULL)")
        }
    }

    /// The storage settings of the writer connection, by pragma name (docs/durability.md).
    public func storageSettings() throws -> [String: String] {
        try pool.writeWithoutTransaction { db in
            var settings: [String: String] = [:]
            for pragma in ["journal_mode", "synchronous", "foreign_keys", "secure_delete"] {
                settings[pragma] = try String.fetchOne(db, sql: "PRAGMA \(pragma)")
            }
            return settings
        }
    }

    /// Moves everything in the write-ahead log into the file and empties the log, so rows
    /// deleted (and overwritten, with secure_delete) are gone from both files. Another
    /// program reading the replica (a report script, the front end) keeps the log's old
    /// pages alive: this waits for it up to `attempts` × `pause` seconds, then records the
    /// purge as pending (``purgePending()``, `crm status`), to be finished by the next call
    /// once readers let go. Returns whether the log is empty now.
    @discardableResult
    public func purgeWriteAheadLog(attempts: Int = 20, pause: Double = 0.05) throws -> Bool {
        for attempt in 1...max(1, attempts) {
            let busy = try checkpointWithoutWaiting()
            if busy == 0 {
                try writeTransaction { db in try db.execute(sql: "UPDATE replica_meta SET purge_pending = 0 WHERE id = 1 AND purge_pending <> 0") }
                // That write went through the log again; it holds nothing purged.
                _ = try checkpointWithoutWaiting()
                return true
            }
            if attempt < attempts { Thread.sleep(forTimeInterval: pause) }
        }
        try writeTransaction { db in try db.execute(sql: "UPDATE replica_meta SET purge_pending = 1 WHERE id = 1") }
        return false
    }

    /// One `wal_checkpoint(TRUNCATE)` that does not wait out the busy timeout for readers:
    /// 1 when a reader kept the log from being emptied, 0 when it is empty.
    private func checkpointWithoutWaiting() throws -> Int {
        try pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA busy_timeout = 0")
            defer { try? db.execute(sql: "PRAGMA busy_timeout = \(Int(configuration.busyTimeoutSeconds * 1000))") }
            do {
                return try Int.fetchOne(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)") ?? 1
            } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED {
                return 1
            }
        }
    }

    /// Whether revoked data may still be in the write-ahead log (a purge could not finish
    /// because another program was reading the replica).
    public func purgePending() throws -> Bool {
        try read { db in try Bool.fetchOne(db, sql: "SELECT purge_pending FROM replica_meta WHERE id = 1") ?? false }
    }

    /// Learns the offset to the server's clock (server time minus local time) and moves the
    /// unacknowledged changes' stamps by the difference to the offset they were stamped
    /// with (``ClockCorrection``), after the server refused them as stamped too far ahead or
    /// a reply showed the clock wrong.
    public func adoptClockOffset(serverTime: Int64, localTime: Int64) throws {
        try writeTransaction { db in
            let offset = serverTime - localTime
            guard let meta = try Row.fetchOne(try db.cachedStatement(sql: "SELECT acked_seq, clock_offset_ms FROM replica_meta WHERE id = 1")) else { return }
            let acked: Int64 = meta["acked_seq"]
            let delta = offset - (meta["clock_offset_ms"] as Int64)
            let rows = try Row.fetchAll(try db.cachedStatement(sql: "SELECT first_seq, hlc FROM outbox WHERE last_seq > ? ORDER BY first_seq"), arguments: [acked])
            let shifted = ClockCorrection.shift(rows.map { HLCTimestamp(packed: $0["hlc"]) }, by: delta, ceiling: serverTime)
            for (row, stamp) in zip(rows, shifted) {
                try db.cachedStatement(sql: "UPDATE outbox SET hlc = ? WHERE first_seq = ?").execute(arguments: [stamp.packed, row["first_seq"] as Int64])
            }
            // The clock resumes after the last pending stamp, or at server time; a clock that
            // was ahead comes back to it.
            var clock = HybridLogicalClock(last: shifted.last ?? .zero, offsetMillis: offset)
            let last = clock.tick(wallMillis: localTime)
            try db.cachedStatement(sql: "UPDATE replica_meta SET clock_offset_ms = ?, last_hlc = ? WHERE id = 1").execute(arguments: [offset, last.packed])
        }
    }

    /// Corrects the clock offset when a reply stamped `serverTime` shows it wrong by more
    /// than ``ClockCorrection/toleranceMillis``; returns whether it did.
    @discardableResult
    public func observeServerTime(_ serverTime: Int64, localTime: Int64) throws -> Bool {
        let offset = try read { db in try Int64.fetchOne(try db.cachedStatement(sql: "SELECT clock_offset_ms FROM replica_meta WHERE id = 1")) ?? 0 }
        guard ClockCorrection.needsCorrection(serverTime: serverTime, localTime: localTime, offset: offset) else { return false }
        try adoptClockOffset(serverTime: serverTime, localTime: localTime)
        return true
    }

    /// Records a successful sync.
    public func recordSyncSuccess(at time: Timestamp) throws {
        try writeTransaction { db in
            try db.cachedStatement(sql: "UPDATE replica_meta SET last_sync_at = ?, last_error = NULL WHERE id = 1").execute(arguments: [time.description])
        }
    }

    /// Records why the last sync attempt failed (shown by `crm status`).
    public func recordSyncError(_ message: String) throws {
        try writeTransaction { db in
            try db.cachedStatement(sql: "UPDATE replica_meta SET last_error = ? WHERE id = 1").execute(arguments: [message])
        }
    }

    /// The highest sequence number written so far: changes when any process writes.
    public func lastWrittenSeq() throws -> Int64 {
        try read { db in (try Int64.fetchOne(try db.cachedStatement(sql: "SELECT next_seq FROM replica_meta WHERE id = 1")) ?? 1) - 1 }
    }
}
