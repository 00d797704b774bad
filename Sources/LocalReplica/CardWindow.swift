import CRMModel

/// How much of a long card to read: the newest memos and ledger entries, the nearest
/// upcoming and the latest past schedules. A client seen weekly for years has thousands of
/// each; a screen shows a page of them and says how many there are.
public struct CardWindow: Sendable, Equatable {
    /// The newest memos to read; `nil` reads all.
    public var memos: Int?
    /// Upcoming schedules to read, and past ones to read; `nil` reads all.
    public var schedules: Int?
    /// The newest ledger entries to read; `nil` reads all.
    public var ledger: Int?
    /// The instant that parts upcoming from past schedules.
    public var now: Timestamp

    /// Describes a window.
    public init(memos: Int? = nil, schedules: Int? = nil, ledger: Int? = nil, now: Timestamp = Timestamp(unixMillis: 0)) {
        self.memos = memos
        self.schedules = schedules
        self.ledger = ledger
        self.now = now
    }

    /// The whole card (`crm client show`).
    public static let all = CardWindow()
}
