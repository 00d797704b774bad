/// A field an organisation adds to every client card (e.g. "dog's name").
public struct CustomFieldDefinition: Hashable, Sendable, Codable, Identifiable {
    /// The kinds of value a custom field holds.
    public enum Kind: String, Choice, Sendable, Codable {
        /// Free text up to ``CustomFieldDefinition/textLimit`` characters.
        case text
        /// A decimal number.
        case number
        /// A calendar date.
        case date
        /// `true` or `false`.
        case boolean
    }

    /// The definition's id.
    public var id: CustomFieldID
    /// The key used in data and imports: lowercase letters, digits and `_`, 1 to 64.
    public var key: String
    /// The label shown to staff.
    public var label: String
    /// The kind of value.
    public var kind: Kind
    /// Hidden fields keep their values but are not shown on the card.
    public var hidden: Bool

    /// The longest text value accepted.
    public static let textLimit = 1_000

    /// Creates a definition after checking its key and label.
    public init(id: CustomFieldID, key: String, label: String, kind: Kind, hidden: Bool = false) throws(ModelError) {
        guard (1...64).contains(key.count),
              key.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }) else {
            throw ModelError(.invalidChoice, field: "customField.key", "must be 1 to 64 characters of a-z, 0-9 and _")
        }
        self.id = id
        self.key = key
        self.label = try Text.required(label, field: "customField.label", limit: 200)
        self.kind = kind
        self.hidden = hidden
    }

    /// Checks and normalises a value for this field.
    public func validate(_ value: String) throws(ModelError) -> String {
        let field = "customFields.\(key)"
        switch kind {
        case .text:
            return try Text.limited(value, field: field, limit: Self.textLimit)
        case .number:
            guard let number = Double(value.trimmingWhitespace()), number.isFinite else {
                throw ModelError(.invalidChoice, field: field, "must be a number")
            }
            return value.trimmingWhitespace()
        case .date:
            return try CalendarDate(parsing: value, field: field).description
        case .boolean:
            switch value.lowercased() {
            case "true", "yes", "1": return "true"
            case "false", "no", "0": return "false"
            default: throw ModelError(.invalidChoice, field: field, "must be true or false")
            }
        }
    }
}

extension [CustomFieldDefinition] {
    /// Checks client custom-field values against these definitions: an unknown key or a
    /// value of the wrong kind is refused (an import only fills fields that exist).
    public func validate(_ values: [String: String]) throws(ModelError) -> [String: String] {
        var result: [String: String] = [:]
        for key in values.keys.sorted() {
            guard let definition = first(where: { $0.key == key }) else {
                throw ModelError(.unknownField, field: "customFields.\(key)", "is not a custom field of this organisation")
            }
            result[key] = try definition.validate(values[key]!)
        }
        return result
    }
}
