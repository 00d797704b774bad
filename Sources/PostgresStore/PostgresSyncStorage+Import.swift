import Foundation
import PostgresNIO
import ServerStore

/// Filling an empty PostgreSQL store from the SQLite store (`crm-server admin
/// migrate-store`): every row, the log with its positions (so replicas' cursors stay valid
/// and nobody resets), the server's site id and sequence, in one transaction.
extension PostgresSyncStorage {
    /// Copies `source` into this store, which must hold no rows yet; how many rows of each
    /// table were copied.
    public func importStore(from source: SQLiteSyncStorage) async throws -> [String: Int] {
        let identity = try source.serverIdentity()
        return try await transaction { session in
            let present = try session.query("SELECT (SELECT COUNT(*) FROM record) + (SELECT COUNT(*) FROM change_log) + (SELECT COUNT(*) FROM device)")
                .first?.decode(Int64.self) ?? 0
            guard present == 0 else {
                throw StorageError("--postgres: the store already holds \(present) rows; migrate into an empty database")
            }
            try session.query("SELECT pg_advisory_xact_lock(\(KeyLocks.namespace), -1)")
            var counts: [String: Int] = [:]
            try source.export(StoreTables.copied, limit: 5_000) { table, json in
                let names = table.columns.map(\.name).joined(separator: ", ")
                let types = table.columns.map { "\($0.name) \($0.type)" }.joined(separator: ", ")
                counts[table.name, default: 0] += try session.execute(PostgresQuery(unsafeSQL: """
                    INSERT INTO \(table.name) (\(names)) SELECT \(names) FROM jsonb_to_recordset($1::jsonb) AS x(\(types))
                    """, binds: Self.binds(json)))
            }
            try session.execute("UPDATE server_meta SET site_id = \(identity.site), next_seq = \(identity.nextSeq) WHERE id = 1")
            try session.execute("UPDATE sync_head SET position = (SELECT COALESCE(MAX(position), 0) FROM change_log) WHERE id = 1")
            try session.run("SELECT setval('refused_change_id_seq', GREATEST((SELECT COALESCE(MAX(id), 0) FROM refused_change), 1))")
            return counts
        }
    }

    private static func binds(_ json: String) throws -> PostgresBindings {
        var binds = PostgresBindings()
        binds.append(json)
        return binds
    }
}
