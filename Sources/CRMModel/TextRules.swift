/// The rules every stored text obeys, on the workstation and at the server alike: a limit
/// in characters as people count them (grapheme clusters) and, beside it, in bytes, since
/// one "character" can carry megabytes of combining marks; and no control characters,
/// which hide text (NUL) or forge lines and colours in other people's terminals (newlines
/// in a name, ANSI escapes). Multi-line texts (memos, journals, notes) keep newlines and tabs.
public enum TextRules {
    /// UTF-8 bytes allowed per character of a limit: four, the most one scalar takes.
    public static let bytesPerCharacter = 4
    /// The byte limit of a text field with no character limit.
    public static let unboundedBytes = 64 << 10

    /// What is wrong with `text` for a field of at most `limit` characters (`nil`: no
    /// character limit), or `nil` when nothing is.
    public static func problem(_ text: String, limit: Int?, multiline: Bool) -> (code: ModelError.Code, message: String)? {
        let bytes = text.utf8.count
        let byteLimit = limit.map { $0 * bytesPerCharacter } ?? unboundedBytes
        if bytes > byteLimit {
            return (.tooLong, "\(bytes) bytes, the limit is \(byteLimit) bytes" + (limit.map { " (\($0) characters)" } ?? ""))
        }
        // Every character takes at least one byte: short texts need no counting.
        if let limit, bytes > limit {
            let count = text.count
            if count > limit { return (.tooLong, "\(count) characters, the limit is \(limit)") }
        }
        for (offset, scalar) in text.unicodeScalars.enumerated() where isControl(scalar, multiline: multiline) {
            let code = String(scalar.value, radix: 16, uppercase: true)
            return (.controlCharacter, "contains the control character U+\(String(repeating: "0", count: max(0, 4 - code.count)) + code) at position \(offset + 1)")
        }
        return nil
    }

    /// C0 and C1 controls and DEL; a multi-line text may hold newlines and tabs.
    static func isControl(_ scalar: Unicode.Scalar, multiline: Bool) -> Bool {
        switch scalar.value {
        case 0x0A, 0x09: !multiline
        case 0x00...0x1F, 0x7F...0x9F: true
        default: false
        }
    }
}
