import CRMModel

/// Checks a row change against ``ReplicatedSchema``: the entity and fields exist, each
/// value has the field's kind, length and choices, and a new row sets every required field.
public enum ChangeValidation {
    /// Why a change is invalid: a machine-readable code and a message naming the entity, the
    /// field and the limit.
    public struct Problem: Error, Equatable, Sendable, CustomStringConvertible {
        /// `unknown_entity`, `unknown_field`, `wrong_type`, `too_long`, `control_character`,
        /// `invalid_choice`, `out_of_range`, `missing_field`, `not_null`, `invalid_id`.
        public let code: String
        /// What is wrong.
        public let message: String
        public var description: String { message }
    }

    /// Checks the shape of a change: a known entity, a UUID row id, known fields with values
    /// of the field's type. A change that fails this was not made by a conforming client;
    /// the server refuses the whole request.
    public static func checkShape(_ change: RowChange) -> Problem? {
        guard let entity = ReplicatedSchema.entity(change.entity.name) else {
            return Problem(code: "unknown_entity", message: "entity '\(change.entity.name)' is not a replicated table")
        }
        guard isID(change.rowID) else {
            return Problem(code: "invalid_id", message: "\(entity.kind.name) row id is not a UUID")
        }
        for assignment in change.fields {
            guard let field = entity.field(assignment.field) else {
                return Problem(code: "unknown_field", message: "\(entity.kind.name).\(assignment.field) is not a replicated field")
            }
            switch (assignment.value, field.kind) {
            case (.integer, .text): return Problem(code: "wrong_type", message: "\(entity.kind.name).\(field.name) must be text, not a number")
            case (.text, .integer): return Problem(code: "wrong_type", message: "\(entity.kind.name).\(field.name) must be a number, not text")
            default: continue
            }
        }
        return nil
    }

    /// Checks `change`'s values against their fields' rules. `rowExists` says whether the row
    /// already exists where it will be applied: a new row must set every field without a
    /// default.
    public static func check(_ change: RowChange, rowExists: Bool) -> Problem? {
        if let problem = checkShape(change) { return problem }
        guard let entity = ReplicatedSchema.entity(change.entity.name) else { return nil }
        if change.operation == .delete { return nil }
        for assignment in change.fields {
            guard let field = entity.field(assignment.field) else { continue }
            if let problem = check(assignment.value, against: field, entity: entity.kind.name) { return problem }
        }
        if !rowExists {
            let set = Set(change.fields.map(\.field))
            if let missing = entity.fields.first(where: { $0.defaultValue == nil && !set.contains($0.name) }) {
                return Problem(code: "missing_field", message: "new \(entity.kind.name) row must set \(entity.kind.name).\(missing.name)")
            }
        }
        return nil
    }

    private static func check(_ value: FieldValue, against field: ReplicatedSchema.Field, entity: String) -> Problem? {
        let name = "\(entity).\(field.name)"
        switch (value, field.kind) {
        case (.null, _):
            return field.nullable ? nil : Problem(code: "not_null", message: "\(name) must not be null")
        case (.text(let text), .text(let maxLength, let choices)):
            if let problem = TextRules.problem(text, limit: maxLength, multiline: multilineFields.contains(field.name)) {
                return Problem(code: problem.code.name, message: "\(name): \(problem.message)")
            }
            if let choices, !choices.contains(text) {
                return Problem(code: "invalid_choice", message: "\(name) must be one of \(choices.joined(separator: ", "))")
            }
            if field.name.hasSuffix("_id"), !isID(text) {
                return Problem(code: "invalid_id", message: "\(name) is not a UUID")
            }
            return nil
        case (.integer(let integer), .integer(let range)):
            if let range, !range.contains(integer) {
                return Problem(code: "out_of_range", message: "\(name) must be within \(range.lowerBound)...\(range.upperBound)")
            }
            return nil
        case (.integer, .text):
            return Problem(code: "wrong_type", message: "\(name) must be text, not a number")
        case (.text, .integer):
            return Problem(code: "wrong_type", message: "\(name) must be a number, not text")
        }
    }

    /// Fields whose text may span lines (memos, journals, notes, a task's detail, a conflict
    /// record's values).
    static let multilineFields: Set<String> = ["text", "note", "detail", "kept", "other"]

    /// Whether `text` is a canonical UUID (36 characters, hex and dashes).
    static func isID(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 36 else { return false }
        for (index, byte) in bytes.enumerated() {
            if index == 8 || index == 13 || index == 18 || index == 23 {
                guard byte == UInt8(ascii: "-") else { return false }
            } else {
                let isHex = (48...57).contains(byte) || (97...102).contains(byte) || (65...70).contains(byte)
                guard isHex else { return false }
            }
        }
        return true
    }
}
