/// Case-insensitive matching for every script. SQLite's own `lower()` and `LIKE` fold
/// ASCII only, so Cyrillic and other names would match case-sensitively; the replica
/// registers `crm_fold(text)` (``FoldFunction``) on each of its connections instead.
enum SearchFolding {
    /// Lowercases `text` the way `crm_fold` does.
    static func fold(_ text: String) -> String { text.lowercased() }
}
