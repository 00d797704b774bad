import Foundation
import GRDB
import SyncCore

extension SQLiteSyncStorage {
    public func pull(after position: Int64, limit: Int, viewer: Viewer?) async throws -> LogPage {
        if let viewer, let site = viewer.site, try await tracksGrants(viewer) {
            return try await pool.write { db in try Self.pull(after: position, limit: limit, viewer: viewer, site: site, db: db) }
        }
        return try await pool.read { db in try Self.pull(after: position, limit: limit, viewer: viewer, site: nil, db: db) }
    }

    /// `pull(after:limit:viewer:)` without waiting (the simulation).
    public func pullNow(after position: Int64, limit: Int, viewer: Viewer?) throws -> LogPage {
        try pool.write { db in
            let site = try viewer.flatMap { viewer in try Self.tracksGrants(viewer, db: db) ? viewer.site : nil }
            return try Self.pull(after: position, limit: limit, viewer: viewer, site: site, db: db)
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
    /// of newly granted buckets first and the lost buckets as revokes.
    static func pull(after position: Int64, limit: Int, viewer: Viewer?, site: String?, db: Database) throws -> LogPage {
        var snapshot: [String] = []
        var revokes: [Revoke] = []
        var capped = false
        if let viewer, let site {
            (snapshot, revokes, capped) = try grants(site: site, author: viewer.author, after: position, db: db)
        }
        if capped {
            // More grants wait: send these first, the log after them.
            return LogPage(changes: snapshot, last: position, more: true, revokes: revokes)
        }
        let raw = try Row.fetchAll(db.cachedStatement(sql: "SELECT position, wire, scope, client_id FROM change_log WHERE position > ? ORDER BY position LIMIT ?"),
                                   arguments: [position, limit + 1])
        let page = raw.prefix(limit)
        var clients: [String: RowState?] = [:]
        var changes = snapshot
        for row in page {
            guard let viewer, let scopeName: String = row[2], let scope = Buckets.Scope(rawValue: scopeName), scope != .org else {
                changes.append(row[1])
                continue
            }
            let clientID: String? = row[3]
            let client = try clientID.flatMap { try access(ofClient: $0, cache: &clients, db: db) }
            if Buckets.visible(scope, client: client, to: viewer.author) { changes.append(row[1]) }
        }
        let last: Int64 = page.last?[0] ?? position
        if let site, !(snapshot.isEmpty && revokes.isEmpty) {
            try db.cachedStatement(sql: "UPDATE site_view SET pending_next = ? WHERE site_id = ?").execute(arguments: [last, site])
        }
        return LogPage(changes: changes, last: last, more: raw.count > limit, revokes: revokes)
    }

    /// The buckets a tracked site gains and loses since what it acknowledged holding. A
    /// change of holdings is offered with a page and becomes the site's once it pulls from
    /// that page's cursor on (so a lost reply offers it again).
    private static func grants(site: String, author: Permissions.Author, after position: Int64, db: Database) throws -> (snapshot: [String], revokes: [Revoke], capped: Bool) {
        let view = try Row.fetchOne(db.cachedStatement(sql: "SELECT pending_next, pending FROM site_view WHERE site_id = ?"), arguments: [site])
        let desired = try visibleBuckets(of: author, db: db)
        guard let view else {
            // The site's first tracked pull. From the start of the log the filtered log
            // brings everything visible; a replica that synced before buckets existed holds
            // everything, and loses what it may not see.
            let held = position == 0 ? desired : try allBuckets(db: db)
            try db.cachedStatement(sql: "INSERT INTO site_view (site_id) VALUES (?)").execute(arguments: [site])
            try store(held, for: site, db: db)
            return try offer(desired: desired, held: held, site: site, db: db)
        }
        if let pendingNext: Int64 = view[0], let pending: String = view[1] {
            if position >= pendingNext {
                // The replica applied the offer: it is what it holds now.
                let offer = try JSONDecoder().decode(Offer.self, from: Data(pending.utf8))
                for bucket in offer.granted {
                    try db.cachedStatement(sql: "INSERT OR IGNORE INTO site_grant (site_id, client_id, scope) VALUES (?, ?, ?)").execute(arguments: [site, bucket.client, bucket.scope.rawValue])
                }
                for bucket in offer.revoked {
                    try db.cachedStatement(sql: "DELETE FROM site_grant WHERE site_id = ? AND client_id = ? AND scope = ?").execute(arguments: [site, bucket.client, bucket.scope.rawValue])
                }
            }
            try db.cachedStatement(sql: "UPDATE site_view SET pending_next = NULL, pending = NULL WHERE site_id = ?").execute(arguments: [site])
        }
        let held = Set(try Row.fetchAll(db.cachedStatement(sql: "SELECT client_id, scope FROM site_grant WHERE site_id = ?"), arguments: [site]).compactMap { row -> Revoke? in
            Buckets.Scope(rawValue: row[1]).map { Revoke(client: row[0], scope: $0) }
        })
        return try offer(desired: desired, held: held, site: site, db: db)
    }

    /// What a site is offered: at most 50 granted buckets' rows, and every revoke.
    private static func offer(desired: Set<Revoke>, held: Set<Revoke>, site: String, db: Database) throws -> (snapshot: [String], revokes: [Revoke], capped: Bool) {
        let gained = desired.subtracting(held).sorted { ($0.scope == .header ? 0 : 1, $0.client) < ($1.scope == .header ? 0 : 1, $1.client) }
        let revoked = held.subtracting(desired).sorted { ($0.client, $0.scope.rawValue) < ($1.client, $1.scope.rawValue) }
        guard !gained.isEmpty || !revoked.isEmpty else { return ([], [], false) }
        let granted = Array(gained.prefix(50))
        let offer = Offer(granted: granted, revoked: revoked)
        try db.cachedStatement(sql: "UPDATE site_view SET pending = ? WHERE site_id = ?")
            .execute(arguments: [String(decoding: try JSONEncoder().encode(offer), as: UTF8.self), site])
        let server = try serverSite(db)
        var snapshot: [String] = []
        for bucket in granted {
            snapshot += try bucketRows(bucket, serverSite: server, db: db)
        }
        return (snapshot, revoked, gained.count > granted.count)
    }

    /// Every row of a bucket, as a change that sets all its fields.
    private static func bucketRows(_ bucket: Revoke, serverSite: String, db: Database) throws -> [String] {
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
        var fields: [String: FieldState] = [:]
        if let branch: String = row[1] { fields["branch_id"] = FieldState(value: .text(branch), hlc: .zero, site: "") }
        if let assignee: String = row[2] { fields["assignee_id"] = FieldState(value: .text(assignee), hlc: .zero, site: "") }
        return RowState(deleted: row[0], fields: fields)
    }

    /// The buckets `author` may hold now.
    private static func visibleBuckets(of author: Permissions.Author, db: Database) throws -> Set<Revoke> {
        var buckets = Set<Revoke>()
        for row in try Row.fetchAll(db.cachedStatement(sql: """
            SELECT deleted, json_extract(fields, '$.branch_id.v'), json_extract(fields, '$.assignee_id.v'), row_id FROM record WHERE entity = 'client' AND deleted = 0
            """)) {
            let client = accessState(row)
            for scope in [Buckets.Scope.header, .details] where Buckets.visible(scope, client: client, to: author) {
                buckets.insert(Revoke(client: row[3], scope: scope))
            }
        }
        return buckets
    }

    private static func allBuckets(db: Database) throws -> Set<Revoke> {
        Set(try String.fetchAll(db.cachedStatement(sql: "SELECT row_id FROM record WHERE entity = 'client' AND deleted = 0")).flatMap {
            [Revoke(client: $0, scope: .header), Revoke(client: $0, scope: .details)]
        })
    }

    private static func store(_ buckets: Set<Revoke>, for site: String, db: Database) throws {
        for bucket in buckets {
            try db.cachedStatement(sql: "INSERT OR IGNORE INTO site_grant (site_id, client_id, scope) VALUES (?, ?, ?)").execute(arguments: [site, bucket.client, bucket.scope.rawValue])
        }
    }

    /// Holdings offered to a site and not yet acknowledged.
    private struct Offer: Codable {
        var granted: [Revoke]
        var revoked: [Revoke]
    }
}
