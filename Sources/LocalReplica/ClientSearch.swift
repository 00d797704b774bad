import CRMModel

/// How a search text finds clients. Three characters or more match anywhere in the name,
/// an e-mail or a phone, through the replica's trigram index (`client_search`, FTS5); two
/// Hangul syllables or Han characters match anywhere in a name too (the index holds each
/// such pair of a name); other one- or two-character searches, too short for a trigram,
/// match the start of a name through the name index. Pure: the SQL that runs it is in `Replica+Queries.swift`.
struct ClientSearch: Equatable {
    /// A full-text query for `client_search MATCH ?`.
    let match: String?
    /// The starts of a name to look for, for one- or two-character searches: as typed, in
    /// lower and upper case and capitalised (the name index folds ASCII letters only).
    let namePrefixes: [String]
    /// Set when the full-text query only narrows the candidates: the folded text to find
    /// in the name or an e-mail, and the digit strings to find in the phones.
    let verify: Verification?
    /// The search as a check of one card at a time, for cards not yet in the index.
    let scan: Verification

    /// What a candidate of a narrowed lookup must contain.
    struct Verification: Equatable {
        /// The folded search text, found in the name or an e-mail.
        let text: String
        /// Digit strings, any one found in the phones.
        let digits: [String]
    }

    /// Phone digits longer than this are looked up by their last digits only: every phone
    /// of a country shares its first digits, so their trigrams narrow nothing and make a
    /// lookup read posting lists as long as the office.
    static let digitWindow = 7

    /// Plans the lookup of `text`, read with `region` for phone numbers written without a
    /// country code. `nil` when the text is blank.
    init?(_ text: String, region: PhoneNumber.Region?) {
        let needle = SearchFolding.fold(text.trimmingWhitespace())
        guard !needle.isEmpty else { return nil }
        let digits = Self.phoneDigits(text.trimmingWhitespace(), region: region)
        scan = Verification(text: needle, digits: digits)
        if needle.unicodeScalars.count == 2, needle.unicodeScalars.allSatisfy(Self.isSyllable) {
            // Two Hangul syllables or Han characters: the pairs indexed behind a marker.
            match = Self.quoted(Self.pairMarker + needle)
            namePrefixes = []
            verify = nil
            return
        }
        guard needle.unicodeScalars.count >= 3 || !digits.isEmpty else {
            match = nil
            let typed = text.trimmingWhitespace()
            var prefixes: [String] = []
            // Variants equal under NOCASE (they differ in ASCII case only) are one range:
            // several would make SQLite collect and sort every match instead of walking
            // the index in order.
            for prefix in [typed, needle, typed.uppercased(), typed.prefix(1).uppercased() + typed.dropFirst().lowercased()]
            where !prefixes.contains(where: { Self.asciiFolded($0) == Self.asciiFolded(prefix) }) {
                prefixes.append(prefix)
            }
            namePrefixes = prefixes
            verify = nil
            return
        }
        namePrefixes = []
        var phrases: [String] = digits.contains(needle) ? [] : [needle]
        var narrowed = false
        for number in digits {
            let window = String(number.suffix(Self.digitWindow))
            narrowed = narrowed || window != number
            if !phrases.contains(window) { phrases.append(window) }
        }
        match = phrases.map(Self.quoted).joined(separator: " OR ")
        verify = narrowed ? Verification(text: needle, digits: digits) : nil
    }

    /// `text` with ASCII letters lowercased, as SQLite's NOCASE compares it.
    static func asciiFolded(_ text: String) -> String {
        String(decoding: text.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }, as: UTF8.self)
    }

    /// What the index puts before each pair of syllables in a name (`client_search_text`).
    static let pairMarker = "\u{1}"

    /// A Hangul syllable or a Han character: one carries a whole syllable of a name.
    static func isSyllable(_ scalar: Unicode.Scalar) -> Bool {
        (0xAC00...0xD7A3).contains(scalar.value) || (0x4E00...0x9FFF).contains(scalar.value)
    }

    /// An FTS5 phrase: the text in double quotes, its own quotes doubled, so no character
    /// of what was typed is read as query syntax.
    static func quoted(_ phrase: String) -> String {
        "\"" + phrase.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// The digit strings a search text may match in the phones column: the digits as
    /// typed, and the international form when the text reads as a phone number.
    static func phoneDigits(_ search: String, region: PhoneNumber.Region?) -> [String] {
        guard search.allSatisfy({ $0.isNumber || " -.()+".contains($0) }) else { return [] }
        let digits = search.filter(\.isNumber)
        guard digits.count >= 3 else { return [] }
        var result = [digits]
        if let phone = try? PhoneNumber(parsing: search, region: region), phone.e164 != "+" + digits {
            result.append(phone.e164)
        }
        return result
    }
}
