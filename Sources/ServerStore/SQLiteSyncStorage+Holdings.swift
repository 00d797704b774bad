import Foundation
import GRDB
import SyncCore

/// The buckets each tracked replica holds (``Holding``): examined again only for clients
/// whose access changed since the site's last pull, or for all when its user's role or
/// branch changed; owed snapshots and purges offered in bounded pieces, each acknowledged
/// by the replica naming the offer in its next pull.
extension SQLiteSyncStorage {
    /// What a tracked site's pull sends besides the log.
    struct HoldingsReply {
        /// Rows of granted buckets, as changes setting every field.
        var snapshot: [String] = []
        /// Buckets to purge.
        var revokes: [Revoke] = []
        /// The offer's id, when the reply carries grants or revokes.
        var offer: Int64?
        /// Whether more is owed than this reply carries.
        var more = false
    }

    /// The grants and revokes offered to each site, waiting for acknowledgement.
    private struct Offer: Codable {
        var granted: [Revoke]
        var revoked: [Revoke]
    }

    /// Revokes per reply at most (each is a few dozen bytes).
    static let revokesPerReply = 5_000

    /// Acknowledges the site's last offer when `acknowledged` names it, re-examines access
    /// changed since the site's last pull, and offers what is owed: snapshots of at most
    /// `rowBudget` rows (at least one bucket) and at most ``revokesPerReply`` revokes.
    static func holdings(site: String, author: Permissions.Author, after position: Int64, acknowledged: Int64,
                         rowBudget: Int, db: Database) throws -> HoldingsReply {
        let head = try Int64.fetchOne(db.cachedStatement(sql: "SELECT COALESCE(MAX(position), 0) FROM change_log")) ?? 0
        var offerID: Int64 = 0
        var since: Int64?
        if let view = try Row.fetchOne(db.cachedStatement(sql: "SELECT offer_id, pending, reconciled_at, role, branch FROM site_view WHERE site_id = ?"),
                                       arguments: [site]) {
            offerID = view[0]
            if let pending: String = view[1] {
                if acknowledged == offerID {
                    try acknowledge(try JSONDecoder().decode(Offer.self, from: Data(pending.utf8)), site: site, db: db)
                }
                // Not acknowledged: the reply was lost (or another process pulled), and
                // what it offered is still owed.
                try db.cachedStatement(sql: "UPDATE site_view SET pending = NULL WHERE site_id = ?").execute(arguments: [site])
            }
            let sameUser = (view[3] as String?) == author.role && (view[4] as String?) == author.branch
            since = sameUser ? view[2] : nil
        } else {
            // The site's first tracked pull. From the start of the log the filtered log
            // brings everything visible; a replica that synced before buckets were tracked
            // holds everything, and loses what it may not see.
            try db.cachedStatement(sql: "INSERT INTO site_view (site_id) VALUES (?)").execute(arguments: [site])
            if position > 0 {
                try db.execute(sql: """
                    INSERT INTO site_grant (site_id, client_id, scope, state)
                    SELECT ?, row_id, scope, 'held' FROM record, (SELECT 'header' AS scope UNION ALL SELECT 'details') WHERE entity = 'client'
                    """, arguments: [site])
            }
        }
        try reconcile(site: site, author: author, after: position, since: since, db: db)
        try db.cachedStatement(sql: "UPDATE site_view SET reconciled_at = ?, role = ?, branch = ? WHERE site_id = ?")
            .execute(arguments: [head, author.role, author.branch, site])
        return try offer(site: site, offerID: offerID, rowBudget: rowBudget, db: db)
    }

    /// Applies an acknowledged offer: granted buckets are held, revoked ones forgotten.
    private static func acknowledge(_ offer: Offer, site: String, db: Database) throws {
        for (buckets, granted) in [(offer.granted, true), (offer.revoked, false)] {
            for bucket in buckets {
                let current = try holding(site: site, bucket: bucket, db: db)
                try store(Holding.acknowledged(current, granted: granted), was: current, site: site, bucket: bucket, db: db)
            }
        }
    }

    /// Examines again the buckets of every client whose access changed after log position
    /// `since` (of every client when `since` is nil).
    private static func reconcile(site: String, author: Permissions.Author, after position: Int64, since: Int64?, db: Database) throws {
        let clients: [Row]
        var holdings: [Revoke: Holding] = [:]
        if let since {
            // The clients whose access changed since; the position of the creation of those
            // created since (0, "long ago", for the others).
            clients = try Row.fetchAll(db.cachedStatement(sql: """
                SELECT l.client_id, r.deleted, json_extract(r.fields, '$.branch_id.v'), json_extract(r.fields, '$.assignee_id.v'),
                       COALESCE(MIN(CASE WHEN l.access = 2 THEN l.position END), 0)
                FROM change_log l JOIN record r ON r.entity = 'client' AND r.row_id = l.client_id
                WHERE l.position > ? AND l.access > 0 GROUP BY l.client_id
                """), arguments: [since])
            let statement = try db.cachedStatement(sql: "SELECT scope, state FROM site_grant WHERE site_id = ? AND client_id = ?")
            for client in clients {
                for row in try Row.fetchAll(statement, arguments: [site, client[0] as String]) {
                    guard let scope = Buckets.Scope(rawValue: row[0]), let state = Holding(rawValue: row[1]) else { continue }
                    holdings[Revoke(client: client[0], scope: scope)] = state
                }
            }
        } else {
            // Every client; where each was created is not looked up ("long ago"), so a bucket
            // gained now is sent whole unless the site pulls from the start of the log.
            clients = try Row.fetchAll(db.cachedStatement(sql: """
                SELECT row_id, deleted, json_extract(fields, '$.branch_id.v'), json_extract(fields, '$.assignee_id.v'), 0
                FROM record WHERE entity = 'client'
                """))
            for row in try Row.fetchAll(db.cachedStatement(sql: "SELECT client_id, scope, state FROM site_grant WHERE site_id = ?"), arguments: [site]) {
                guard let scope = Buckets.Scope(rawValue: row[1]), let state = Holding(rawValue: row[2]) else { continue }
                holdings[Revoke(client: row[0], scope: scope)] = state
            }
        }
        for client in clients {
            let access = accessState(deleted: client[1], branch: client[2], assignee: client[3])
            // Every row of a client is logged after its creation: a site whose cursor is
            // before it gets the whole bucket from the log.
            let throughLog = position == 0 || (client[4] as Int64) > position
            for scope in [Buckets.Scope.header, .details] {
                let bucket = Revoke(client: client[0], scope: scope)
                let current = holdings[bucket]
                // A deleted client stays visible as it last was: the conflict records about
                // it (edits that lost to its deletion) stay with those who saw it.
                let visible = Buckets.visible(scope, client: access, to: author)
                try store(Holding.next(current, visible: visible, arrivesThroughLog: throughLog), was: current, site: site, bucket: bucket, db: db)
            }
        }
    }

    /// Offers what is owed, within the reply's bounds, and records the offer as pending.
    private static func offer(site: String, offerID: Int64, rowBudget: Int, db: Database) throws -> HoldingsReply {
        var reply = HoldingsReply()
        let revoked = try Row.fetchAll(db.cachedStatement(sql: """
            SELECT client_id, scope FROM site_grant WHERE site_id = ? AND state = 'revoke' ORDER BY scope, client_id LIMIT ?
            """), arguments: [site, revokesPerReply + 1]).compactMap(bucket)
        reply.revokes = Array(revoked.prefix(revokesPerReply))
        reply.more = revoked.count > revokesPerReply
        // Card headers before details, so a client arrives before its memos.
        let owed = try db.cachedStatement(sql: """
            SELECT client_id, scope FROM site_grant WHERE site_id = ? AND state = 'want' ORDER BY scope = 'details', client_id
            """)
        let cursor = try Row.fetchCursor(owed, arguments: [site])
        var granted: [Revoke] = []
        let server = try serverSite(db)
        while let row = try cursor.next() {
            guard let bucket = bucket(row) else { continue }
            let rows = try bucketRows(bucket, serverSite: server, db: db)
            if !granted.isEmpty && reply.snapshot.count + rows.count > rowBudget {
                reply.more = true
                break
            }
            granted.append(bucket)
            reply.snapshot += rows
        }
        guard !granted.isEmpty || !reply.revokes.isEmpty else { return reply }
        let next = offerID + 1
        let pending = String(decoding: try JSONEncoder().encode(Offer(granted: granted, revoked: reply.revokes)), as: UTF8.self)
        try db.cachedStatement(sql: "UPDATE site_view SET offer_id = ?, pending = ? WHERE site_id = ?").execute(arguments: [next, pending, site])
        reply.offer = next
        return reply
    }

    private static func bucket(_ row: Row) -> Revoke? {
        Buckets.Scope(rawValue: row[1]).map { Revoke(client: row[0], scope: $0) }
    }

    private static func holding(site: String, bucket: Revoke, db: Database) throws -> Holding? {
        try String.fetchOne(db.cachedStatement(sql: "SELECT state FROM site_grant WHERE site_id = ? AND client_id = ? AND scope = ?"),
                            arguments: [site, bucket.client, bucket.scope.rawValue]).flatMap(Holding.init(rawValue:))
    }

    private static func store(_ next: Holding?, was current: Holding?, site: String, bucket: Revoke, db: Database) throws {
        guard next != current else { return }
        if let next {
            try db.cachedStatement(sql: """
                INSERT INTO site_grant (site_id, client_id, scope, state) VALUES (?, ?, ?, ?)
                ON CONFLICT (site_id, client_id, scope) DO UPDATE SET state = excluded.state
                """).execute(arguments: [site, bucket.client, bucket.scope.rawValue, next.rawValue])
        } else {
            try db.cachedStatement(sql: "DELETE FROM site_grant WHERE site_id = ? AND client_id = ? AND scope = ?")
                .execute(arguments: [site, bucket.client, bucket.scope.rawValue])
        }
    }
}
