import GRDB
import SyncCore

/// A replicated table as the change log sees it: its entity, its columns (besides `id`)
/// and each column's default, so a new row logs only the fields that differ from the
/// defaults every replica and the server share.
struct TableSpec: Sendable {
    let entity: EntityKind
    let columns: [String]
    let defaults: [FieldValue]
    /// `INSERT INTO t (id, c1, …) VALUES (?, ?, …)`, built once.
    let insertSQL: String

    init(_ entity: EntityKind, _ columns: KeyValuePairs<String, FieldValue>) {
        self.entity = entity
        self.columns = columns.map(\.key)
        self.defaults = columns.map(\.value)
        let names = (["id"] + self.columns).joined(separator: ", ")
        let marks = Array(repeating: "?", count: self.columns.count + 1).joined(separator: ", ")
        insertSQL = "INSERT INTO \(entity.name) (\(names)) VALUES (\(marks))"
    }

    var table: String { entity.name }

    static let branch = TableSpec(.branch, ["name": .null])
    static let staffUser = TableSpec(.staffUser, ["name": .null, "role": .null, "team": .text("other"), "branch_id": .null])
    static let customField = TableSpec(.customField, ["key": .null, "label": .null, "kind": .null, "hidden": .integer(0)])
    static let client = TableSpec(.client, [
        "name": .null, "phones": .text("[]"), "emails": .text("[]"), "birth_date": .null,
        "custom_fields": .text("{}"), "branch_id": .null, "assignee_id": .null, "dormant": .integer(0),
        "archive_reason": .null, "created_at": .null,
    ])
    static let clientTag = TableSpec(.clientTag, ["client_id": .null, "tag": .null])
    static let memo = TableSpec(.memo, ["client_id": .null, "text": .null, "type": .null, "author_id": .null, "created_at": .null])
    static let schedule = TableSpec(.schedule, [
        "client_id": .null, "starts_at": .null, "ends_at": .null, "staff_id": .null, "room": .null,
        "state": .text("scheduled"),
    ])
    static let journal = TableSpec(.journal, ["schedule_id": .null, "client_id": .null, "text": .null])
    static let task = TableSpec(.task, ["title": .null, "assignee_id": .null, "due": .null, "client_id": .null, "done": .integer(0)])

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
