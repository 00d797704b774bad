import GRDB

/// The names people read instead of ids: staff, branches, custom fields, tags; and the
/// latest memo of each listed client.
extension Replica {
    /// Every staff member this replica knows, by id: name, role and branch.
    public func staff() throws -> [StaffView] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT id, name, role, team, branch_id FROM staff_user ORDER BY name, id").map {
                StaffView(id: $0[0], name: $0[1], role: $0[2], team: $0[3], branch: $0[4])
            }
        }
    }

    /// Branch names by id.
    public func branchNames() throws -> [String: String] {
        try read { db in
            Dictionary(try Row.fetchAll(db, sql: "SELECT id, name FROM branch").map { ($0[0], $0[1]) }, uniquingKeysWith: { first, _ in first })
        }
    }

    /// Custom field labels by key.
    public func customFieldLabels() throws -> [String: String] {
        try read { db in
            Dictionary(try Row.fetchAll(db, sql: "SELECT key, label FROM custom_field").map { ($0[0], $0[1]) }, uniquingKeysWith: { first, _ in first })
        }
    }

    /// Every tag in use, sorted.
    public func tagNames() throws -> [String] {
        try read { db in try String.fetchAll(db, sql: "SELECT DISTINCT tag FROM client_tag ORDER BY tag") }
    }

    /// The text of the latest memo of each of `clients` that has one.
    public func latestMemos(of clients: [String]) throws -> [String: String] {
        guard !clients.isEmpty else { return [:] }
        return try read { db in
            var memos: [String: String] = [:]
            let statement = try db.cachedStatement(sql: "SELECT text FROM memo WHERE client_id = ? ORDER BY created_at DESC, id DESC LIMIT 1")
            for client in clients {
                if let text = try String.fetchOne(statement, arguments: [client]) { memos[client] = text }
            }
            return memos
        }
    }

    /// Room names by id.
    public func roomNames() throws -> [String: String] {
        try read { db in
            Dictionary(try Row.fetchAll(db, sql: "SELECT id, name FROM room").map { ($0[0] as String, $0[1] as String) }, uniquingKeysWith: { first, _ in first })
        }
    }

    /// The names of the clients with these ids that this replica holds, by id: one
    /// indexed lookup each, so naming the clients of a page costs the page, not the office.
    public func clientNames(of ids: some Sequence<String>) throws -> [String: String] {
        try read { db in
            let statement = try db.cachedStatement(sql: "SELECT name FROM client WHERE id = ?")
            var names: [String: String] = [:]
            for id in ids where names[id] == nil {
                if let name = try String.fetchOne(statement, arguments: [id]) { names[id] = name }
            }
            return names
        }
    }

    /// The name of the client a row of `entity` belongs to, if both are on this replica.
    public func clientName(ofRow entity: String, id: String) throws -> String? {
        guard let spec = RemoteApply.spec(entity), spec.columns.contains("client_id") else { return nil }
        return try read { db in
            try String.fetchOne(db, sql: "SELECT c.name FROM \(spec.sqlTable) r JOIN client c ON c.id = r.client_id WHERE r.id = ?", arguments: [id])
        }
    }

    /// The staff member this replica belongs to, if it syncs and knows them.
    public func owner() throws -> StaffView? {
        try read { db in
            try Row.fetchOne(db, sql: """
                SELECT s.id, s.name, s.role, s.team, s.branch_id FROM replica_meta m JOIN staff_user s ON s.id = m.user_id WHERE m.id = 1
                """).map { StaffView(id: $0[0], name: $0[1], role: $0[2], team: $0[3], branch: $0[4]) }
        }
    }

    /// A signature that changes whenever the replica's content may have changed, by any
    /// program: a local write, a push settled, a page pulled, a refusal recorded.
    public func changeSignature() throws -> String {
        try read { db in
            let row = try Row.fetchOne(db, sql: """
                SELECT pull_cursor, next_seq, acked_seq, (SELECT COUNT(*) FROM outbox), (SELECT COUNT(*) FROM rejected_change),
                       COALESCE(last_sync_at, ''), COALESCE(last_error, '') FROM replica_meta WHERE id = 1
                """)
            return row.map { "\($0[0] as Int64)/\($0[1] as Int64)/\($0[2] as Int64)/\($0[3] as Int64)/\($0[4] as Int64)/\($0[5] as String)/\($0[6] as String)" } ?? ""
        }
    }
}

/// A staff member as the front end shows them.
public struct StaffView: Sendable, Equatable, Codable {
    /// Their id.
    public var id: String
    /// Their name.
    public var name: String
    /// `executive`, `manager` or `general`.
    public var role: String
    /// `sales`, `collections` or `other`.
    public var team: String
    /// Their branch.
    @NullEncoded public var branch: String?
}
