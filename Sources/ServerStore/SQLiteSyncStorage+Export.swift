import GRDB

/// Reading the whole store out, for `crm-server admin migrate-store`.
extension SQLiteSyncStorage {
    /// The server's own site id and next sequence number.
    package func serverIdentity() throws -> (site: String, nextSeq: Int64) {
        try pool.read { db in
            let row = try Row.fetchOne(db, sql: "SELECT site_id, next_seq FROM server_meta WHERE id = 1")
            return (site: row?[0] ?? "", nextSeq: row?[1] ?? 1)
        }
    }

    /// Calls `chunk` with each piece of `table`'s rows (at most `limit`), in key order, as a
    /// JSON array of objects by column name (booleans as JSON booleans), all read in one
    /// snapshot.
    package func export(_ tables: [StoreTables.Table], limit: Int, chunk: (StoreTables.Table, String) throws -> Void) throws {
        try pool.read { db in
            for table in tables {
                let pairs = table.columns.map { column in
                    column.type == "boolean" ? "'\(column.name)', json(CASE WHEN \(column.name) THEN 'true' ELSE 'false' END)" : "'\(column.name)', \(column.name)"
                }.joined(separator: ", ")
                var offset = 0
                while true {
                    let json = try String.fetchOne(db, sql: """
                        SELECT json_group_array(json_object(\(pairs))) FROM (SELECT * FROM \(table.name) ORDER BY \(table.key) LIMIT ? OFFSET ?)
                        """, arguments: [limit, offset]) ?? "[]"
                    if json == "[]" { break }
                    try chunk(table, json)
                    offset += limit
                }
            }
        }
    }
}
