import Foundation
import GRDB
import SyncCore

/// Changes to stored rows that a new version needs, written as the server's own logged
/// changes so every replica receives them.
extension SQLiteSyncStorage {
    /// Conflict records made before they carried their client get it (the client the
    /// migration resolved from the row each is about), so replicas can purge them with
    /// their client's details. Runs when the store opens; does nothing once done.
    static func stampConflictClients(db: Database, now: Int64) throws {
        while true {
            let rows = try Row.fetchAll(db, sql: """
                SELECT row_id, client_id FROM record
                WHERE entity = 'conflict' AND deleted = 0 AND client_id IS NOT NULL AND json_extract(fields, '$.client_id') IS NULL
                ORDER BY row_id LIMIT 1000
                """)
            guard !rows.isEmpty else { return }
            let meta = try Row.fetchOne(db, sql: "SELECT site_id, next_seq FROM server_meta WHERE id = 1")!
            let site: String = meta[0]
            let first: Int64 = meta[1]
            let changes = rows.enumerated().map { index, row in
                WireChange(RowChange(seq: first + Int64(index), hlc: HLCTimestamp(millis: now, counter: 0), entity: .conflict, rowID: row[0],
                                     operation: .set, fields: [FieldAssignment("client_id", .text(row[1]))]))
            }
            if case .failure(let error) = try apply(changes, site: site, db: db, now: now, maxSkewMillis: .max / 2) {
                throw StorageError("stamping conflict records with their client: \(error.error.message)")
            }
            try db.execute(sql: "UPDATE server_meta SET next_seq = MAX(next_seq, ?) WHERE id = 1", arguments: [first + Int64(rows.count)])
        }
    }
}
