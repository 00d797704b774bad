import GRDB
import SQLiteBinding
import SyncCore

/// Every replicated row of a replica, by entity and id: what sync makes equal everywhere.
public typealias ReplicatedRows = [String: [String: [String: FieldValue]]]

extension Replica {
    /// The replicated rows this replica holds (replica bookkeeping left out), to compare
    /// with the server's or another replica's; `tables` limits it to some tables.
    public func replicatedRows(of tables: Set<String>? = nil) throws -> ReplicatedRows {
        try read { db in
            var rows: ReplicatedRows = [:]
            for spec in TableSpec.all where tables?.contains(spec.table) ?? true {
                var table: [String: [String: FieldValue]] = [:]
                let sql = "SELECT id, \(SQLIdentifier.list(spec.columns)) FROM \(spec.sqlTable)"
                for row in try Row.fetchAll(try db.cachedStatement(sql: sql)) {
                    var fields: [String: FieldValue] = [:]
                    for (index, column) in spec.columns.enumerated() {
                        fields[column] = FieldValue.fromDatabaseValue(row[index + 1]) ?? .null
                    }
                    table[row[0]] = fields
                }
                rows[spec.table] = table
            }
            return rows
        }
    }
}
