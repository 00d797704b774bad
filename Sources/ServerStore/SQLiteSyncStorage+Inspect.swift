import GRDB
import SyncCore

/// What the simulation and tests check on the store after a run.
public struct StoreAudit: Sendable {
    /// Every live record as a replica would hold it (unset fields at their defaults).
    public var rows: [String: [String: [String: FieldValue]]]
    /// `(site, seq)` pairs the log holds more than once.
    public var duplicatedChanges: [String]
    /// Each site's highest applied sequence number.
    public var appliedSeq: [String: Int64]
}

extension SQLiteSyncStorage {
    /// Reads the store's live records, duplicate log entries and per-site progress; with
    /// `author`, only the records that staff member may hold (as pulls and row reads decide).
    public func audit(visibleTo author: Permissions.Author? = nil) throws -> StoreAudit {
        try pool.read { db in
            var rows: [String: [String: [String: FieldValue]]] = [:]
            var access = AccessCache()
            let store = SQLiteRecords(db: db)
            for entity in ReplicatedSchema.entities { rows[entity.kind.name] = [:] }
            for row in try Row.fetchAll(db, sql: "SELECT entity, row_id, fields FROM record WHERE deleted = 0") {
                let entityName: String = row[0]
                guard let entity = ReplicatedSchema.entity(entityName) else { continue }
                let stored = try StoredFields.decode(row[2])
                if let author, try !RowReads.visible(entity: entityName, id: row[1], fields: stored.mapValues(\.value), to: author, access: &access, store: store) {
                    continue
                }
                var fields: [String: FieldValue] = [:]
                for field in entity.fields { fields[field.name] = stored[field.name]?.value ?? field.effectiveDefault }
                rows[entityName, default: [:]][row[1]] = fields
            }
            let duplicated = try Row.fetchAll(db, sql: "SELECT site, seq FROM change_log GROUP BY site, seq HAVING COUNT(*) > 1").map { "\($0[0] as String):\($0[1] as Int64)" }
            let applied = Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT site_id, applied_seq FROM site_state").map { ($0[0] as String, $0[1] as Int64) })
            return StoreAudit(rows: rows, duplicatedChanges: duplicated, appliedSeq: applied)
        }
    }

    /// The storage settings of the writer connection, by pragma name (docs/durability.md).
    public func storageSettings() throws -> [String: String] {
        try pool.writeWithoutTransaction { db in
            var settings: [String: String] = [:]
            for pragma in ["journal_mode", "synchronous"] {
                settings[pragma] = try String.fetchOne(db, sql: "PRAGMA \(pragma)")
            }
            return settings
        }
    }
}
