/// What people typed into memos, word by word, to check that nothing typed is lost. The
/// simulation makes every inserted word unique, so a word names one keystroke of history.
/// A word may leave a memo only when someone who saw it took it out (an edit or a
/// deletion whose starting text held it) or when its client was deleted.
struct MemoWords {
    /// Each inserted word, with its memo and client.
    private(set) var inserted: [String: (memo: String, client: String)] = [:]
    /// Words someone who saw them removed.
    private(set) var removed: Set<String> = []

    /// Records an edit from `base` (nil for a new memo) to `text`.
    mutating func edit(memo: String, client: String, base: String?, text: String) {
        let before = Set(Self.words(base ?? ""))
        let after = Set(Self.words(text))
        for word in after.subtracting(before) where inserted[word] == nil { inserted[word] = (memo, client) }
        removed.formUnion(before.subtracting(after))
    }

    /// Records the deletion of a memo that held `text` for its author.
    mutating func delete(text: String) {
        removed.formUnion(Self.words(text))
    }

    /// Words typed and never deliberately removed that appear nowhere: neither in their
    /// memo's text nor in a conflict record about it. `memoText` gives each live memo's
    /// text, `recorded` all the text of conflict records by memo, `deletedClients` the
    /// clients the server deleted.
    func lost(memoText: [String: String], recorded: [String: String], deletedClients: Set<String>) -> [String] {
        inserted.compactMap { word, place in
            if removed.contains(word) || deletedClients.contains(place.client) { return nil }
            if let text = memoText[place.memo], Self.words(text).contains(word) { return nil }
            if let text = recorded[place.memo], Self.tokens(text).contains(word) { return nil }
            return word
        }.sorted()
    }

    /// The letters-and-digits runs of a record's text (JSON, quoted values), so that `w12`
    /// is not found inside `w123`.
    static func tokens(_ text: String) -> Set<String> {
        Set(text.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init))
    }

    static func words(_ text: String) -> [String] {
        text.split(whereSeparator: { $0 == " " || $0 == "/" || $0 == "." }).map(String.init)
    }
}
