import GRDB
import SQLiteBinding
import Logging
import SyncCore

/// Writes changes that come from the server into the row tables, without logging them
/// (they are the server's, not this replica's). Fields and entities this version does not
/// know are skipped, so a newer server does not break an older replica.
enum RemoteApply {
    private static let specs: [String: TableSpec] = Dictionary(uniqueKeysWithValues: TableSpec.all.map { ($0.table, $0) })

    /// Applies one change. Returns `false` when the replica cannot hold it (an unknown
    /// entity, a row missing required fields, a parent not on this replica).
    @discardableResult
    static func apply(_ change: RowChange, db: Database, logger: Logger) throws -> Bool {
        guard let spec = specs[change.entity.name] else { return false }
        if change.operation == .delete {
            try db.execute(sql: "DELETE FROM \(spec.sqlTable) WHERE id = ?", arguments: [change.rowID])
            return true
        }
        return try upsert(spec, id: change.rowID, fields: change.fields.filter { spec.columns.contains($0.field) }, db: db, logger: logger)
    }

    /// Sets `fields` of a row, creating it if missing. An insert first — most pulled rows
    /// are new, and that takes one statement — then an update when the row exists. Not an
    /// SQLite upsert: it checks NOT NULL columns before it sees the conflict, so it would
    /// refuse a partial update of an existing row; `INSERT OR IGNORE` skips such a row
    /// instead, and the update follows.
    static func upsert(_ spec: TableSpec, id: String, fields: [FieldAssignment], db: Database, logger: Logger) throws -> Bool {
        let names = try fields.map { try spec.sqlColumn($0.field) }
        do {
            let insert = "INSERT OR IGNORE INTO \(spec.sqlTable) (id\(names.map { ", \($0)" }.joined())) VALUES (?\(String(repeating: ", ?", count: names.count)))"
            try RawStatement.execute(try db.cachedStatement(sql: insert), .text(id), fields.map(\.value))
            if db.changesCount > 0 || names.isEmpty { return true }
            let update = "UPDATE \(spec.sqlTable) SET \(names.map { "\($0) = ?" }.joined(separator: ", ")) WHERE id = ?"
            try RawStatement.execute(try db.cachedStatement(sql: update), fields[0].value, fields.dropFirst().map(\.value) + [.text(id)])
            if db.changesCount > 0 { return true }
            logger.warning("skipped a server change this replica cannot hold", metadata: ["sync.entity": "\(spec.table)", "sync.row": "\(id)"])
            return false
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
            logger.warning("skipped a server change this replica cannot hold", metadata: [
                "sync.entity": "\(spec.table)", "sync.row": "\(id)", "sqlite.code": "\(error.extendedResultCode)",
            ])
            return false
        }
    }

    /// The table spec of an entity.
    static func spec(_ entity: String) -> TableSpec? { specs[entity] }
}
