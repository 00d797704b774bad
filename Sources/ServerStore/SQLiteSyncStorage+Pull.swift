import Foundation
import GRDB
import SyncCore

extension SQLiteSyncStorage {
    public func pull(after position: Int64, offer: Int64, limit: Int, viewer: Viewer?) async throws -> LogPage {
        if let viewer, let site = viewer.site, try await tracksGrants(viewer) {
            return try await pool.write { db in try Self.pull(after: position, limit: limit, viewer: viewer, site: site, offer: offer, db: db) }
        }
        return try await pool.read { db in try Self.pull(after: position, limit: limit, viewer: viewer, site: nil, offer: offer, db: db) }
    }

    /// `pull(after:offer:limit:viewer:)` without waiting (the simulation).
    public func pullNow(after position: Int64, offer: Int64, limit: Int, viewer: Viewer?) throws -> LogPage {
        try pool.write { db in
            let site = try viewer.flatMap { viewer in try Self.tracksGrants(viewer, db: db) ? viewer.site : nil }
            return try Self.pull(after: position, limit: limit, viewer: viewer, site: site, offer: offer, db: db)
        }
    }

    /// Whether the site's buckets are tracked: every replica of a non-executive, and of an
    /// executive who once was not (an executive sees everything, so nothing to track).
    private func tracksGrants(_ viewer: Viewer) async throws -> Bool {
        try await pool.read { db in try Self.tracksGrants(viewer, db: db) }
    }

    private static func tracksGrants(_ viewer: Viewer, db: Database) throws -> Bool {
        guard let site = viewer.site,
              try String.fetchOne(db.cachedStatement(sql: "SELECT device_id FROM device_site WHERE site_id = ?"), arguments: [site]) == viewer.deviceID else { return false }
        if viewer.author.role != "executive" { return true }
        return try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM site_view WHERE site_id = ?)"), arguments: [site]) ?? false
    }

    /// A page of the log filtered to what the viewer may see; with a tracked site, the rows
    /// of owed buckets first and the buckets it lost as revokes (``holdings(site:author:after:acknowledged:rowBudget:db:)``).
    static func pull(after position: Int64, limit: Int, viewer: Viewer?, site: String?, offer acknowledged: Int64, db: Database) throws -> LogPage {
        var holdings = HoldingsReply()
        if let viewer, let site {
            holdings = try Self.holdings(site: site, author: viewer.author, after: position, acknowledged: acknowledged, rowBudget: limit, db: db)
        }
        let logLimit = limit - holdings.snapshot.count
        let head = try Int64.fetchOne(db.cachedStatement(sql: "SELECT MAX(position) FROM change_log")) ?? 0
        if holdings.more || logLimit <= 0 {
            // More is owed: send this first, the log after it.
            return LogPage(changes: holdings.snapshot, last: position, more: true, revokes: holdings.revokes, offer: holdings.offer, head: head)
        }
        let raw = try Row.fetchAll(db.cachedStatement(sql: "SELECT position, wire, scope, client_id FROM change_log WHERE position > ? ORDER BY position LIMIT ?"),
                                   arguments: [position, logLimit + 1])
        let page = raw.prefix(logLimit)
        var clients: [String: RowState?] = [:]
        var changes = holdings.snapshot
        let filtered = viewer.map { $0.author.role != "executive" } ?? false
        for row in page {
            guard filtered, let viewer, let scopeName: String = row[2], let scope = Buckets.Scope(rawValue: scopeName), scope != .org else {
                changes.append(row[1])
                continue
            }
            let clientID: String? = row[3]
            let client = try clientID.flatMap { try access(ofClient: $0, cache: &clients, db: db) }
            if Buckets.visible(scope, client: client, to: viewer.author) { changes.append(row[1]) }
        }
        let last: Int64 = page.last?[0] ?? position
        return LogPage(changes: changes, last: last, more: raw.count > logLimit, revokes: holdings.revokes, offer: holdings.offer, head: max(head, last))
    }

    /// Every row of a bucket, as a change that sets all its fields.
    static func bucketRows(_ bucket: Revoke, serverSite: String, db: Database) throws -> [String] {
        var rows: [(String, String, [String: FieldState])] = []
        if bucket.scope == .header, let client = try loadRows([RowKey(EntityKind.client.name, bucket.client)], db: db)[RowKey(EntityKind.client.name, bucket.client)], !client.deleted {
            rows.append((EntityKind.client.name, bucket.client, client.fields))
        }
        for row in try Row.fetchAll(db.cachedStatement(sql: "SELECT entity, row_id, fields FROM record WHERE client_id = ? AND deleted = 0 ORDER BY entity, row_id"), arguments: [bucket.client]) {
            let fields = try StoredFields.decode(row[2])
            let entity: String = row[0]
            guard Buckets.place(entity: entity, rowID: row[1], fields: fields.mapValues(\.value)).scope == bucket.scope else { continue }
            rows.append((entity, row[1], fields))
        }
        let order = Dictionary(uniqueKeysWithValues: ReplicatedSchema.entities.enumerated().map { ($1.kind.name, $0) })
        return rows.sorted { (order[$0.0] ?? 0, $0.1) < (order[$1.0] ?? 0, $1.1) }.map { entity, id, fields in
            let hlc = fields.values.map(\.hlc).max() ?? .zero
            let change = RowChange(seq: 0, hlc: hlc, entity: EntityKind(entity), rowID: id, operation: .set,
                                   fields: fields.filter { $0.key != RowState.deletionMark }.sorted { $0.key < $1.key }.map { FieldAssignment($0.key, $0.value.value) })
            return WireEncoding.change(change, site: serverSite)
        }
    }

    /// What decides who sees a client: its branch and assignee (a row state holding just
    /// those), read without decoding the whole record.
    static func access(ofClient id: String, db: Database) throws -> RowState? {
        try Row.fetchOne(db.cachedStatement(sql: """
            SELECT deleted, json_extract(fields, '$.branch_id.v'), json_extract(fields, '$.assignee_id.v') FROM record WHERE entity = 'client' AND row_id = ?
            """), arguments: [id]).map(accessState)
    }

    /// ``access(ofClient:db:)`` remembered per page.
    static func access(ofClient id: String, cache: inout [String: RowState?], db: Database) throws -> RowState? {
        if let cached = cache[id] { return cached }
        let state = try access(ofClient: id, db: db)
        cache[id] = state
        return state
    }

    private static func accessState(_ row: Row) -> RowState {
        accessState(deleted: row[0], branch: row[1], assignee: row[2])
    }

    /// A row state holding only what decides who sees a client.
    static func accessState(deleted: Bool, branch: String?, assignee: String?) -> RowState {
        var fields: [String: FieldState] = [:]
        if let branch { fields["branch_id"] = FieldState(value: .text(branch), hlc: .zero, site: "") }
        if let assignee { fields["assignee_id"] = FieldState(value: .text(assignee), hlc: .zero, site: "") }
        return RowState(deleted: deleted, fields: fields)
    }
}
