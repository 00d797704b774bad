/// Checks shared by every free-text field.
public enum Text {
    /// Trims surrounding whitespace and checks the result is non-empty and obeys
    /// ``TextRules`` for at most `limit` characters (grapheme clusters: what a person counts
    /// as characters, in any script).
    public static func required(_ value: String, field: String, limit: Int, multiline: Bool = false) throws(ModelError) -> String {
        let trimmed = value.trimmingWhitespace()
        guard !trimmed.isEmpty else { throw ModelError(.required, field: field, "must not be empty") }
        return try limited(trimmed, field: field, limit: limit, multiline: multiline)
    }

    /// Checks `value` obeys ``TextRules`` for at most `limit` characters; returns it unchanged.
    public static func limited(_ value: String, field: String, limit: Int, multiline: Bool = false) throws(ModelError) -> String {
        if let problem = TextRules.problem(value, limit: limit, multiline: multiline) {
            throw ModelError(problem.code, field: field, problem.message)
        }
        return value
    }
}

extension String {
    /// The string without leading and trailing whitespace and newlines.
    public func trimmingWhitespace() -> String {
        // Fast path: starts and ends with a visible ASCII character.
        if let first = utf8.first, let last = utf8.last, first > 0x20, first < 0x80, last > 0x20, last < 0x80 {
            return self
        }
        var view = Substring(self)
        while let first = view.first, first.isWhitespace { view.removeFirst() }
        while let last = view.last, last.isWhitespace { view.removeLast() }
        return String(view)
    }
}
