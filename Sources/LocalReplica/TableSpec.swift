import GRDB
import SQLiteBinding
import SyncCore

/// A replicated table as the replica's write path sees it: its columns (besides `id`) and
/// defaults from ``ReplicatedSchema`` (shared with the server), its prepared insert, and
/// its pre-encoded change-log keys. A new row logs only the fields that differ from the
/// defaults.
final class TableSpec: Sendable {
    let entity: EntityKind
    let columns: [String]
    let defaults: [FieldValue]
    /// `INSERT INTO t (id, c1, …) VALUES (?, ?, …)`, built once.
    let insertSQL: String
    /// The table's name quoted for SQL text.
    let sqlTable: String
    /// Each column's change-log key, encoded once.
    let keys: [ChangeBatchWriter.Key]
    /// The change-log prefix of this entity's changes, encoded once.
    let logEntity: ChangeBatchWriter.Entity
    /// Columns whose edits carry their base (text that merges, like memo text).
    let mergingColumns: Set<String>

    /// This table's place in ``all``, used to cache its prepared insert per transaction.
    let index: Int

    init(_ index: Int, _ entity: EntityKind) {
        guard let description = ReplicatedSchema.entity(entity.name) else { fatalError("\(entity) is not in ReplicatedSchema") }
        self.index = index
        self.entity = entity
        self.columns = description.fields.map(\.name)
        self.defaults = description.fields.map(\.effectiveDefault)
        let marks = Array(repeating: "?", count: self.columns.count + 1).joined(separator: ", ")
        sqlTable = SQLIdentifier.quote(entity.name)
        insertSQL = "INSERT INTO \(sqlTable) (\(SQLIdentifier.list(["id"] + self.columns))) VALUES (\(marks))"
        keys = self.columns.map(ChangeBatchWriter.Key.init)
        logEntity = ChangeBatchWriter.Entity(entity)
        mergingColumns = Set(description.fields.filter(\.mergesText).map(\.name))
    }

    var table: String { entity.name }

    /// `column`, checked against this table's replicated columns and quoted for SQL text.
    /// - Throws: ``ReplicaError`` naming the table and the column when it is not one.
    func sqlColumn(_ column: String) throws -> String {
        guard columns.contains(column) else {
            throw ReplicaError(.constraint, "\(table): '\(column.prefix(64))' is not one of its fields")
        }
        return SQLIdentifier.quote(column)
    }

    static let branch = TableSpec(0, .branch)
    static let staffUser = TableSpec(1, .staffUser)
    static let customField = TableSpec(2, .customField)
    static let client = TableSpec(3, .client)
    static let clientTag = TableSpec(4, .clientTag)
    static let memo = TableSpec(5, .memo)
    static let schedule = TableSpec(6, .schedule)
    static let journal = TableSpec(7, .journal)
    static let task = TableSpec(8, .task)
    static let room = TableSpec(9, .room)
    static let course = TableSpec(10, .course)
    static let enrolment = TableSpec(11, .enrolment)
    static let plannedCall = TableSpec(12, .plannedCall)
    static let ledgerEntry = TableSpec(13, .ledgerEntry)
    static let conflict = TableSpec(14, .conflict)

    /// Every replicated table, parents before children.
    static let all: [TableSpec] = [branch, staffUser, customField, client, clientTag, memo, schedule, journal, task,
                                   room, course, enrolment, plannedCall, ledgerEntry, conflict]
}

extension FieldValue: DatabaseValueConvertible {
    public var databaseValue: DatabaseValue {
        switch self {
        case .null: .null
        case .integer(let value): value.databaseValue
        case .text(let value): value.databaseValue
        }
    }

    public static func fromDatabaseValue(_ dbValue: DatabaseValue) -> FieldValue? {
        switch dbValue.storage {
        case .null: .null
        case .int64(let value): .integer(value)
        case .string(let value): .text(value)
        case .double(let value): .text(String(value))
        case .blob: nil
        }
    }
}
