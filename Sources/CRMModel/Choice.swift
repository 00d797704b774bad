/// A closed set of named values (roles, teams, memo types, statuses) parsed from text.
public protocol Choice: CaseIterable, RawRepresentable<String> {}

extension Choice {
    /// Parses a value case-insensitively, naming `field` and every allowed value on failure.
    public init(parsing text: String, field: String) throws(ModelError) {
        guard let value = Self(rawValue: text.lowercased()) else {
            throw ModelError(.invalidChoice, field: field, "must be one of \(Self.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self = value
    }
}
