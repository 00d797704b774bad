import CRMModel
import GRDB
import SyncCore

/// How a person settles a conflict record.
public enum ConflictResolution: String, Choice, Sendable {
    /// Leave the row as it is now.
    case current
    /// Set the field back to the record's `kept` value.
    case kept
    /// Set the field to the record's `other` value.
    case other
}

extension ReplicaWriter {
    /// Resolves a conflict record: with `kept` or `other`, the field it names takes that
    /// value (for a memo's text, the whole text); the record is marked resolved. Both are
    /// ordinary changes, synced like any other.
    public mutating func resolveConflict(_ id: String, keep: ConflictResolution) throws {
        guard let row = try Row.fetchOne(db, sql: "SELECT entity, entity_id, field, kept, other, resolved_at FROM conflict WHERE id = ?", arguments: [id]) else {
            throw ReplicaError(.notFound, "conflict \(id) not found")
        }
        let resolvedAt: String? = row[5]
        guard resolvedAt == nil else { throw ReplicaError(.constraint, "conflict \(id) was resolved at \(resolvedAt!)") }
        if keep != .current {
            guard let entity: String = row[0], let spec = RemoteApply.spec(entity), let field: String = row[2] else {
                throw ReplicaError(.constraint, "conflict \(id): --keep \(keep.rawValue) needs a conflict about one field; use --keep current")
            }
            guard spec.columns.contains(field) else {
                throw ReplicaError(.constraint, "conflict \(id) names '\(field.prefix(64))', which is not a field of \(entity); use --keep current")
            }
            let value: String? = keep == .kept ? row[3] : row[4]
            let entityID: String = row[1]
            guard try exists(spec, entityID) else { throw ReplicaError.notFound(spec.entity, entityID) }
            try update(spec, id: entityID, [FieldAssignment(field, try Self.columnValue(value, field: field, of: spec))])
        }
        try update(.conflict, id: id, [.init("resolved_at", .text(now.description)), .init("resolution", .text(keep.rawValue))])
    }

    /// Marks the open conflicts of a row resolved because someone edited it by hand.
    mutating func resolveConflicts(of spec: TableSpec, _ id: String) throws {
        for conflict in try String.fetchAll(db, sql: "SELECT id FROM conflict WHERE entity = ? AND entity_id = ? AND resolved_at IS NULL ORDER BY id",
                                            arguments: [spec.table, id]) {
            try update(.conflict, id: conflict, [.init("resolved_at", .text(now.description)), .init("resolution", .text("edited"))])
        }
    }

    /// A conflict record's text value as the column's type.
    private static func columnValue(_ text: String?, field: String, of spec: TableSpec) throws -> FieldValue {
        guard let text else { return .null }
        guard case .integer? = ReplicatedSchema.entity(spec.table)?.field(field)?.kind else { return .text(text) }
        guard let number = Int64(text) else { throw ReplicaError(.constraint, "\(spec.table).\(field): '\(text)' is not a number") }
        return .integer(number)
    }
}
