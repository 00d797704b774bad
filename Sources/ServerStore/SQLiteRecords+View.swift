import GRDB
import SyncCore

/// The SQLite store's ``ViewStore``: its SQL on a pull's connection.
extension SQLiteSyncStorage.SQLiteRecords: ViewStore {
    func storedRows(_ keys: [RowKey]) throws -> [RowKey: (deleted: Bool, client: String?, fields: String)] {
        let statement = try db.cachedStatement(sql: "SELECT deleted, client_id, fields FROM record WHERE entity = ? AND row_id = ?")
        var found: [RowKey: (deleted: Bool, client: String?, fields: String)] = [:]
        for key in keys where found[key] == nil {
            guard let row = try Row.fetchOne(statement, arguments: [key.entity, key.id]) else { continue }
            found[key] = (deleted: row[0], client: row[1], fields: row[2])
        }
        return found
    }

    func liveRows(ofClient client: String) throws -> [(key: RowKey, fields: String)] {
        try Row.fetchAll(db.cachedStatement(sql: "SELECT entity, row_id, fields FROM record WHERE client_id = ? AND deleted = 0 ORDER BY entity, row_id"),
                         arguments: [client]).map { (key: RowKey($0[0], $0[1]), fields: $0[2]) }
    }

    func logHead() throws -> Int64 {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT COALESCE(MAX(position), 0) FROM change_log")) ?? 0
    }

    func logEntries(after position: Int64, limit: Int) throws -> [LoggedEntry] {
        try Row.fetchAll(db.cachedStatement(sql: "SELECT position, wire, scope, client_id FROM change_log WHERE position > ? ORDER BY position LIMIT ?"),
                         arguments: [position, limit]).map {
            LoggedEntry(position: $0[0], wire: $0[1], scope: ($0[2] as String?).flatMap(Buckets.Scope.init(rawValue:)), client: $0[3])
        }
    }

    func clientAccess(_ ids: Set<String>) throws -> [String: ClientAccess] {
        let statement = try db.cachedStatement(sql: """
            SELECT deleted, json_extract(fields, '$.branch_id.v'), json_extract(fields, '$.assignee_id.v') FROM record WHERE entity = 'client' AND row_id = ?
            """)
        var found: [String: ClientAccess] = [:]
        for id in ids {
            guard let row = try Row.fetchOne(statement, arguments: [id]) else { continue }
            found[id] = ClientAccess(deleted: row[0], branch: row[1], assignee: row[2])
        }
        return found
    }

    func allClientAccess() throws -> [String: ClientAccess] {
        var found: [String: ClientAccess] = [:]
        for row in try Row.fetchAll(db.cachedStatement(sql: """
            SELECT row_id, deleted, json_extract(fields, '$.branch_id.v'), json_extract(fields, '$.assignee_id.v') FROM record WHERE entity = 'client'
            """)) {
            found[row[0]] = ClientAccess(deleted: row[1], branch: row[2], assignee: row[3])
        }
        return found
    }

    func accessChanges(after position: Int64) throws -> [String: Int64] {
        var found: [String: Int64] = [:]
        for row in try Row.fetchAll(db.cachedStatement(sql: """
            SELECT client_id, COALESCE(MIN(CASE WHEN access = 2 THEN position END), 0) FROM change_log
            WHERE position > ? AND access > 0 GROUP BY client_id
            """), arguments: [position]) {
            found[row[0]] = row[1]
        }
        return found
    }

    func siteDevice(_ site: String) throws -> String? {
        try String.fetchOne(db.cachedStatement(sql: "SELECT device_id FROM device_site WHERE site_id = ?"), arguments: [site])
    }

    func siteView(_ site: String) throws -> SiteView? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT offer_id, pending, reconciled_at, role, branch FROM site_view WHERE site_id = ?"),
                         arguments: [site]).map { SiteView(offerID: $0[0], pending: $0[1], reconciledAt: $0[2], role: $0[3], branch: $0[4]) }
    }

    func createSiteView(_ site: String, holdingEverything: Bool) throws {
        try db.cachedStatement(sql: "INSERT INTO site_view (site_id) VALUES (?)").execute(arguments: [site])
        guard holdingEverything else { return }
        try db.execute(sql: """
            INSERT INTO site_grant (site_id, client_id, scope, state)
            SELECT ?, row_id, scope, 'held' FROM record, (SELECT 'header' AS scope UNION ALL SELECT 'details') WHERE entity = 'client'
            """, arguments: [site])
    }

    func setOffer(site: String, id: Int64, pending: String?) throws {
        try db.cachedStatement(sql: "UPDATE site_view SET offer_id = ?, pending = ? WHERE site_id = ?").execute(arguments: [id, pending, site])
    }

    func setReconciled(site: String, at position: Int64, role: String, branch: String?) throws {
        try db.cachedStatement(sql: "UPDATE site_view SET reconciled_at = ?, role = ?, branch = ? WHERE site_id = ?")
            .execute(arguments: [position, role, branch, site])
    }

    func holdings(site: String, clients: Set<String>?) throws -> [Revoke: Holding] {
        var rows: [Row] = []
        if let clients {
            let statement = try db.cachedStatement(sql: "SELECT client_id, scope, state FROM site_grant WHERE site_id = ? AND client_id = ?")
            for client in clients { rows += try Row.fetchAll(statement, arguments: [site, client]) }
        } else {
            rows = try Row.fetchAll(db.cachedStatement(sql: "SELECT client_id, scope, state FROM site_grant WHERE site_id = ?"), arguments: [site])
        }
        var found: [Revoke: Holding] = [:]
        for row in rows {
            guard let scope = Buckets.Scope(rawValue: row[1]), let state = Holding(rawValue: row[2]) else { continue }
            found[Revoke(client: row[0], scope: scope)] = state
        }
        return found
    }

    func setHoldings(site: String, _ holdings: [(Revoke, Holding?)]) throws {
        let upsert = try db.cachedStatement(sql: """
            INSERT INTO site_grant (site_id, client_id, scope, state) VALUES (?, ?, ?, ?)
            ON CONFLICT (site_id, client_id, scope) DO UPDATE SET state = excluded.state
            """)
        let delete = try db.cachedStatement(sql: "DELETE FROM site_grant WHERE site_id = ? AND client_id = ? AND scope = ?")
        for (bucket, holding) in holdings {
            if let holding {
                try upsert.execute(arguments: [site, bucket.client, bucket.scope.rawValue, holding.rawValue])
            } else {
                try delete.execute(arguments: [site, bucket.client, bucket.scope.rawValue])
            }
        }
    }

    func buckets(site: String, in state: Holding, limit: Int) throws -> [Revoke] {
        try Row.fetchAll(db.cachedStatement(sql: """
            SELECT client_id, scope FROM site_grant WHERE site_id = ? AND state = ? ORDER BY scope = 'details', client_id LIMIT ?
            """), arguments: [site, state.rawValue, limit]).compactMap { row in
            Buckets.Scope(rawValue: row[1]).map { Revoke(client: row[0], scope: $0) }
        }
    }
}
