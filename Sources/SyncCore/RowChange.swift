import CRMModel

/// Marker for ``SiteID``: a site is one replica (one workstation's file).
public enum Site {}

/// Identifies the replica that made a change; with a local sequence number it names each
/// change uniquely across the organisation.
public typealias SiteID = EntityID<Site>

/// The kind of row a change is about. The raw value is the replica's table name.
public struct EntityKind: Hashable, Sendable, Codable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The table name, e.g. `client`.
    public let name: String

    /// Wraps a table name.
    public init(_ name: String) { self.name = name }
    public init(stringLiteral value: String) { name = value }
    public var description: String { name }

    public init(from decoder: any Decoder) throws { name = try decoder.singleValueContainer().decode(String.self) }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(name)
    }

    /// Branches.
    public static let branch: EntityKind = "branch"
    /// Staff users.
    public static let staffUser: EntityKind = "staff_user"
    /// Custom field definitions.
    public static let customField: EntityKind = "custom_field"
    /// Client cards.
    public static let client: EntityKind = "client"
    /// One tag on one client (one row per add: an observed-remove set).
    public static let clientTag: EntityKind = "client_tag"
    /// Memos.
    public static let memo: EntityKind = "memo"
    /// Schedules.
    public static let schedule: EntityKind = "schedule"
    /// Journals.
    public static let journal: EntityKind = "journal"
    /// Tasks.
    public static let task: EntityKind = "task"
    /// Rooms of a branch, with a capacity.
    public static let room: EntityKind = "room"
    /// Classes (group lessons) of a branch, with a capacity.
    public static let course: EntityKind = "course"
    /// A client's membership of a class (group enrolment).
    public static let enrolment: EntityKind = "enrolment"
    /// Calls planned to a client.
    public static let plannedCall: EntityKind = "planned_call"
    /// Money: append-only entries (payments, deductions, releases, settlements).
    public static let ledgerEntry: EntityKind = "ledger_entry"
    /// Conflicts the server recorded beside the winner, to review.
    public static let conflict: EntityKind = "conflict"
}

/// The value of one field as stored in SQLite: NULL, an integer or text. Lists and maps
/// (phones, custom fields) travel as their JSON text, exactly as the column holds them.
public enum FieldValue: Hashable, Sendable, Codable, CustomStringConvertible {
    /// SQL NULL.
    case null
    /// A 64-bit integer (flags, money in minor units, packed timestamps).
    case integer(Int64)
    /// UTF-8 text.
    case text(String)

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        // Text first: most values are text, and every failed attempt throws (costly on
        // the push and pull paths).
        if container.decodeNil() {
            self = .null
        } else if let text = try? container.decode(String.self) {
            self = .text(text)
        } else {
            self = .integer(try container.decode(Int64.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .integer(let value): try container.encode(value)
        case .text(let value): try container.encode(value)
        }
    }

    public var description: String {
        switch self {
        case .null: "null"
        case .integer(let value): String(value)
        case .text(let value): value
        }
    }
}

/// One field set by a change.
public struct FieldAssignment: Hashable, Sendable {
    /// The column name, e.g. `birth_date`.
    public let field: String
    /// The new value.
    public let value: FieldValue

    /// Creates an assignment.
    public init(_ field: String, _ value: FieldValue) {
        self.field = field
        self.value = value
    }
}

/// A change to one row made at one site: the fields it set (only those that changed), or
/// the row's deletion. Field-level entries are what merge: two changes to different
/// fields of one row never overwrite each other.
public struct RowChange: Hashable, Sendable {
    /// What happened to the row.
    public enum Operation: String, Sendable, Codable {
        /// The listed fields were set (the row is created if it did not exist).
        case set
        /// The row was deleted.
        case delete
    }

    /// The site's local sequence number: consecutive, starting at 1, never reused.
    public let seq: Int64
    /// When the change was made, on the site's hybrid logical clock.
    public let hlc: HLCTimestamp
    /// The kind of row.
    public let entity: EntityKind
    /// The row's id.
    public let rowID: String
    /// Set or delete.
    public let operation: Operation
    /// The fields set (their order carries no meaning); empty for a delete.
    public let fields: [FieldAssignment]

    /// Creates a change.
    public init(seq: Int64, hlc: HLCTimestamp, entity: EntityKind, rowID: String, operation: Operation, fields: [FieldAssignment]) {
        self.seq = seq
        self.hlc = hlc
        self.entity = entity
        self.rowID = rowID
        self.operation = operation
        self.fields = fields
    }

    /// The value this change gives `field`, if it sets it.
    public func value(of field: String) -> FieldValue? {
        fields.first { $0.field == field }?.value
    }
}
