/// A note on a client card, visible to staff only.
public struct Memo: Hashable, Sendable, Codable, Identifiable {
    /// What a memo summarises.
    public enum Kind: String, Choice, Sendable, Codable {
        /// A meeting summary.
        case meeting
        /// A call summary.
        case call
    }

    /// The memo's id.
    public var id: MemoID
    /// The client the memo is about.
    public var clientID: ClientID
    /// The text, at most ``Memo/textLimit`` characters when typed.
    public var text: String
    /// Meeting or call summary; plain note when `nil`.
    public var kind: Kind?
    /// Who wrote it, when known.
    public var authorID: UserID?
    /// When it was written.
    public var createdAt: Timestamp

    /// The most characters a typed memo may hold. A memo produced by merging two
    /// concurrent edits may be longer: it is kept whole and flagged, never truncated.
    public static let textLimit = 1_000

    /// Creates a memo after checking its text.
    public init(id: MemoID, clientID: ClientID, text: String, kind: Kind? = nil, authorID: UserID? = nil, createdAt: Timestamp) throws(ModelError) {
        self.id = id
        self.clientID = clientID
        self.text = try Memo.validText(text)
        self.kind = kind
        self.authorID = authorID
        self.createdAt = createdAt
    }

    /// Checks typed memo text: not blank, at most ``textLimit`` characters. Surrounding
    /// whitespace is kept, since it is part of what was typed.
    public static func validText(_ text: String) throws(ModelError) -> String {
        guard !text.trimmingWhitespace().isEmpty else {
            throw ModelError(.required, field: "memo.text", "must not be empty")
        }
        return try Text.limited(text, field: "memo.text", limit: textLimit, multiline: true)
    }
}
