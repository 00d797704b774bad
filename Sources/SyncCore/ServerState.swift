/// Identifies one replicated row.
public struct RowKey: Hashable, Sendable, CustomStringConvertible {
    /// The entity (table).
    public let entity: String
    /// The row id.
    public let id: String

    /// Creates a key.
    public init(_ entity: String, _ id: String) {
        self.entity = entity
        self.id = id
    }

    public var description: String { "\(entity) \(id)" }
}

/// The server's current version of one field: its value and the change that set it.
public struct FieldState: Sendable, Equatable {
    /// The value.
    public var value: FieldValue
    /// The HLC of the change that set it.
    public var hlc: HLCTimestamp
    /// The site that made that change.
    public var site: String

    /// Creates a field state.
    public init(value: FieldValue, hlc: HLCTimestamp, site: String) {
        self.value = value
        self.hlc = hlc
        self.site = site
    }

    /// Whether a change stamped `(hlc, site)` replaces this version: a later timestamp wins,
    /// the site id breaks ties, and within one site a later change (same timestamp, higher
    /// sequence) wins.
    public func isReplaced(byHLC other: HLCTimestamp, site otherSite: String) -> Bool {
        if other != hlc { return other > hlc }
        return otherSite >= site
    }
}

/// The server's current version of one row.
public struct RowState: Sendable, Equatable {
    /// Whether the row was deleted (a tombstone: later sets are refused).
    public var deleted: Bool
    /// Its fields.
    public var fields: [String: FieldState]

    /// The pseudo-field of a tombstone that records who deleted the row and when.
    public static let deletionMark = "_deleted"

    /// Creates a row state.
    public init(deleted: Bool = false, fields: [String: FieldState] = [:]) {
        self.deleted = deleted
        self.fields = fields
    }
}
