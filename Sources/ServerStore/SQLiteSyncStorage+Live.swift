import GRDB
import SyncCore

/// What live updates need from the SQLite store. One server uses the file, so there is
/// nobody to announce heads to; admin commands writing from another process are seen by
/// the server's once-a-second head read.
extension SQLiteSyncStorage {
    public func logHead() async throws -> Int64 {
        try await pool.read { db in try SQLiteRecords(db: db).logHead() }
    }

    public func logSummaries(after position: Int64, limit: Int) async throws -> [LogSummary] {
        try await pool.read { db in
            try Row.fetchAll(db.cachedStatement(sql: """
                SELECT l.position, l.scope, l.access, r.deleted, json_extract(r.fields, '$.branch_id.v'), json_extract(r.fields, '$.assignee_id.v')
                FROM change_log l LEFT JOIN record r ON r.entity = 'client' AND r.row_id = l.client_id
                WHERE l.position > ? ORDER BY l.position LIMIT ?
                """), arguments: [position, limit]).map { row in
                let deleted: Bool? = row[3]
                return LogSummary(position: row[0], scope: (row[1] as String?).flatMap(Buckets.Scope.init(rawValue:)),
                                  client: deleted.map { ClientAccess(deleted: $0, branch: row[4], assignee: row[5]).state },
                                  changesAccess: (row[2] as Int64? ?? 0) > 0)
            }
        }
    }

    public func watchHeads(_ onHead: @escaping @Sendable (Int64) async -> Void) async throws {}

    public func announce(head: Int64) async {}
}
