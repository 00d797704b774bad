import GRDB

/// Case-insensitive matching for every script. SQLite's own `lower()` and `LIKE` fold
/// ASCII only, so Cyrillic and other names would match case-sensitively; the replica
/// registers `crm_fold(text)` on each of its connections instead.
enum SearchFolding {
    /// `crm_fold(text)`: the text lowercased by Unicode rules; NULL stays NULL.
    static let function = DatabaseFunction("crm_fold", argumentCount: 1, pure: true) { values in
        guard let text = String.fromDatabaseValue(values[0]) else { return nil }
        return fold(text)
    }

    /// Lowercases `text` the way `crm_fold` does.
    static func fold(_ text: String) -> String { text.lowercased() }
}
