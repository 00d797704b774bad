import PostgresNIO
import ServerStore
import SyncCore

extension PGRecords: ViewStore {
    func storedRows(_ keys: [RowKey]) throws -> [RowKey: (deleted: Bool, client: String?, fields: String)] {
        var found: [RowKey: (deleted: Bool, client: String?, fields: String)] = [:]
        for row in try fetchRows(Array(Set(keys))) {
            let (entity, id, deleted, client, fields) = try row.decode((String, String, Bool, String?, String).self)
            found[RowKey(entity, id)] = (deleted: deleted, client: client, fields: fields)
        }
        return found
    }

    func liveRows(ofClient client: String) throws -> [(key: RowKey, fields: String)] {
        try session.query("SELECT entity, row_id, fields FROM record WHERE client_id = \(client) AND NOT deleted ORDER BY entity, row_id").map { row in
            let (entity, id, fields) = try row.decode((String, String, String).self)
            return (key: RowKey(entity, id), fields: fields)
        }
    }

    func logHead() throws -> Int64 {
        try session.query("SELECT position FROM sync_head WHERE id = 1").first?.decode(Int64.self) ?? 0
    }

    func logEntries(after position: Int64, limit: Int) throws -> [LoggedEntry] {
        try session.query("SELECT position, wire, scope, client_id FROM change_log WHERE position > \(position) ORDER BY position LIMIT \(limit)").map { row in
            let (position, wire, scope, client) = try row.decode((Int64, String, String?, String?).self)
            return LoggedEntry(position: position, wire: wire, scope: scope.flatMap(Buckets.Scope.init(rawValue:)), client: client)
        }
    }

    /// Clients' access from rows of (row_id, deleted, fields).
    private func access(_ rows: [PostgresRow]) throws -> [String: ClientAccess] {
        var found: [String: ClientAccess] = [:]
        for row in rows {
            let (id, deleted, branch, assignee) = try row.decode((String, Bool, String?, String?).self)
            found[id] = ClientAccess(deleted: deleted, branch: branch, assignee: assignee)
        }
        return found
    }

    func clientAccess(_ ids: Set<String>) throws -> [String: ClientAccess] {
        guard !ids.isEmpty else { return [:] }
        return try access(session.query("""
            SELECT row_id, deleted, fields::jsonb -> 'branch_id' ->> 'v', fields::jsonb -> 'assignee_id' ->> 'v'
            FROM record WHERE entity = 'client' AND row_id = ANY(\(Array(ids))::text[])
            """))
    }

    func allClientAccess() throws -> [String: ClientAccess] {
        try access(session.query("""
            SELECT row_id, deleted, fields::jsonb -> 'branch_id' ->> 'v', fields::jsonb -> 'assignee_id' ->> 'v' FROM record WHERE entity = 'client'
            """))
    }

    func accessChanges(after position: Int64) throws -> [String: Int64] {
        var found: [String: Int64] = [:]
        for row in try session.query("""
            SELECT client_id, COALESCE(MIN(CASE WHEN access = 2 THEN position END), 0) FROM change_log
            WHERE position > \(position) AND access > 0 AND client_id IS NOT NULL GROUP BY client_id
            """) {
            let (client, created) = try row.decode((String, Int64).self)
            found[client] = created
        }
        return found
    }

    func siteDevice(_ site: String) throws -> String? {
        try session.query("SELECT device_id FROM device_site WHERE site_id = \(site)").first?.decode(String.self)
    }

    func siteView(_ site: String) throws -> SiteView? {
        try session.query("SELECT offer_id, pending, reconciled_at, role, branch FROM site_view WHERE site_id = \(site)").first.map { row in
            let (offer, pending, reconciled, role, branch) = try row.decode((Int64, String?, Int64?, String?, String?).self)
            return SiteView(offerID: offer, pending: pending, reconciledAt: reconciled, role: role, branch: branch)
        }
    }

    func createSiteView(_ site: String, holdingEverything: Bool) throws {
        try session.execute("INSERT INTO site_view (site_id) VALUES (\(site))")
        guard holdingEverything else { return }
        try session.execute("""
            INSERT INTO site_grant (site_id, client_id, scope, state)
            SELECT \(site), row_id, scope, 'held' FROM record, (VALUES ('header'), ('details')) AS s(scope) WHERE entity = 'client'
            """)
    }

    func setOffer(site: String, id: Int64, pending: String?) throws {
        try session.execute("UPDATE site_view SET offer_id = \(id), pending = \(pending) WHERE site_id = \(site)")
    }

    func setReconciled(site: String, at position: Int64, role: String, branch: String?) throws {
        try session.execute("UPDATE site_view SET reconciled_at = \(position), role = \(role), branch = \(branch) WHERE site_id = \(site)")
    }

    func holdings(site: String, clients: Set<String>?) throws -> [Revoke: Holding] {
        let rows: [PostgresRow]
        if let clients {
            guard !clients.isEmpty else { return [:] }
            rows = try session.query("SELECT client_id, scope, state FROM site_grant WHERE site_id = \(site) AND client_id = ANY(\(Array(clients))::text[])")
        } else {
            rows = try session.query("SELECT client_id, scope, state FROM site_grant WHERE site_id = \(site)")
        }
        var found: [Revoke: Holding] = [:]
        for row in rows {
            let (client, scope, state) = try row.decode((String, String, String).self)
            guard let scope = Buckets.Scope(rawValue: scope), let state = Holding(rawValue: state) else { continue }
            found[Revoke(client: client, scope: scope)] = state
        }
        return found
    }

    func setHoldings(site: String, _ holdings: [(Revoke, Holding?)]) throws {
        let kept = holdings.compactMap { bucket, holding in holding.map { (bucket, $0) } }
        let forgotten = holdings.filter { $0.1 == nil }.map(\.0)
        if !kept.isEmpty {
            try session.execute("""
                INSERT INTO site_grant (site_id, client_id, scope, state)
                SELECT \(site), c, s, h FROM unnest(\(kept.map(\.0.client))::text[], \(kept.map(\.0.scope.rawValue))::text[], \(kept.map(\.1.rawValue))::text[]) AS t(c, s, h)
                ON CONFLICT (site_id, client_id, scope) DO UPDATE SET state = excluded.state
                """)
        }
        if !forgotten.isEmpty {
            try session.execute("""
                DELETE FROM site_grant g USING unnest(\(forgotten.map(\.client))::text[], \(forgotten.map(\.scope.rawValue))::text[]) AS t(c, s)
                WHERE g.site_id = \(site) AND g.client_id = t.c AND g.scope = t.s
                """)
        }
    }

    func buckets(site: String, in state: Holding, limit: Int) throws -> [Revoke] {
        try session.query("""
            SELECT client_id, scope FROM site_grant WHERE site_id = \(site) AND state = \(state.rawValue) ORDER BY scope = 'details', client_id LIMIT \(limit)
            """).compactMap { row in
            let (client, scope) = try row.decode((String, String).self)
            return Buckets.Scope(rawValue: scope).map { Revoke(client: client, scope: $0) }
        }
    }
}
