import GRDB
import SyncCore

/// A replicated table as the change log sees it: its entity, its columns (besides `id`)
/// and each column's default, so a new row logs only the fields that differ from the
/// defaults every replica and the server share.
final class TableSpec: Sendable {
    let entity: EntityKind
    let columns: [String]
    let defaults: [FieldValue]
    /// `INSERT INTO t (id, c1, …) VALUES (?, ?, …)`, built once.
    let insertSQL: String
    /// Each column's change-log key, encoded once.
    let keys: [ChangeBatchWriter.Key]
    /// The change-log prefix of this entity's changes, encoded once.
    let logEntity: ChangeBatchWriter.Entity

    /// This table's place in ``all``, used to cache its prepared insert per transaction.
    let index: Int

    init(_ index: Int, _ entity: EntityKind, _ columns: KeyValuePairs<String, FieldValue>) {
        self.index = index
        self.entity = entity
        self.columns = columns.map(\.key)
        self.defaults = columns.map(\.value)
        let names = (["id"] + self.columns).joined(separator: ", ")
        let marks = Array(repeating: "?", count: self.columns.count + 1).joined(separator: ", ")
        insertSQL = "INSERT INTO \(entity.name) (\(names)) VALUES (\(marks))"
        keys = self.columns.map(ChangeBatchWriter.Key.init)
        logEntity = ChangeBatchWriter.Entity(entity)
    }

    var table: String { entity.name }

    static let branch = TableSpec(0, .branch, ["name": .null])
    static let staffUser = TableSpec(1, .staffUser, ["name": .null, "role": .null, "team": .text("other"), "branch_id": .null])
    static let customField = TableSpec(2, .customField, ["key": .null, "label": .null, "kind": .null, "hidden": .integer(0)])
    static let client = TableSpec(3, .client, [
        "name": .null, "phones": .text("[]"), "emails": .text("[]"), "birth_date": .null,
        "custom_fields": .text("{}"), "branch_id": .null, "assignee_id": .null, "dormant": .integer(0),
        "archive_reason": .null, "created_at": .null,
    ])
    static let clientTag = TableSpec(4, .clientTag, ["client_id": .null, "tag": .null])
    static let memo = TableSpec(5, .memo, ["client_id": .null, "text": .null, "type": .null, "author_id": .null, "created_at": .null])
    static let schedule = TableSpec(6, .schedule, [
        "client_id": .null, "starts_at": .null, "ends_at": .null, "staff_id": .null, "room": .null,
        "state": .text("scheduled"),
    ])
    static let journal = TableSpec(7, .journal, ["schedule_id": .null, "client_id": .null, "text": .null])
    static let task = TableSpec(8, .task, ["title": .null, "assignee_id": .null, "due": .null, "client_id": .null, "done": .integer(0)])

    /// Every replicated table, parents before children.
    static let all: [TableSpec] = [branch, staffUser, customField, client, clientTag, memo, schedule, journal, task]
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
