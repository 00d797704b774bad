import Foundation

/// A typed identifier: an `EntityID<Client>` can never be passed where an
/// `EntityID<Memo>` is expected, although both are UUIDs underneath.
///
/// Identifiers are UUIDv7 (time-ordered) when made by ``UUIDv7Generator``, which keeps
/// SQLite's B-trees appending at their right edge. Their text form is the lowercase
/// canonical UUID, the form stored in the replica's `id` columns.
public struct EntityID<Entity>: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    /// The underlying UUID.
    public let uuid: UUID

    /// Wraps an existing UUID.
    public init(_ uuid: UUID) { self.uuid = uuid }

    /// Parses the canonical text form; `nil` when `text` is not a UUID.
    public init?(_ text: String) {
        guard let uuid = UUID(uuidString: text) else { return nil }
        self.uuid = uuid
    }

    /// Parses the text form or throws an error naming `field`.
    public init(parsing text: String, field: String) throws(ModelError) {
        guard let uuid = UUID(uuidString: text) else {
            throw ModelError(.malformedID, field: field, "is not an id (expected a UUID such as 0192f0c1-7b2a-7c3d-8e4f-0123456789ab)")
        }
        self.uuid = uuid
    }

    /// The lowercase canonical form, e.g. `0192f0c1-7b2a-7c3d-8e4f-0123456789ab`.
    public var description: String { FastText.lowercase(uuid) }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.description < rhs.description }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let uuid = UUID(uuidString: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a UUID"))
        }
        self.uuid = uuid
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// Identifier of a ``Branch``.
public typealias BranchID = EntityID<Branch>
/// Identifier of a ``StaffUser``.
public typealias UserID = EntityID<StaffUser>
/// Identifier of a ``Client``.
public typealias ClientID = EntityID<Client>
/// Identifier of a ``Memo``.
public typealias MemoID = EntityID<Memo>
/// Identifier of a ``Schedule``.
public typealias ScheduleID = EntityID<Schedule>
/// Identifier of a ``Journal``.
public typealias JournalID = EntityID<Journal>
/// Identifier of a ``CRMTask``.
public typealias TaskID = EntityID<CRMTask>
/// Identifier of a ``CustomFieldDefinition``.
public typealias CustomFieldID = EntityID<CustomFieldDefinition>
/// Identifier of a ``Room``.
public typealias RoomID = EntityID<Room>
/// Identifier of a ``Course``.
public typealias CourseID = EntityID<Course>
/// Identifier of an ``Enrolment``.
public typealias EnrolmentID = EntityID<Enrolment>
/// Identifier of a ``PlannedCall``.
public typealias PlannedCallID = EntityID<PlannedCall>
/// Identifier of a ``LedgerEntry``.
public typealias LedgerEntryID = EntityID<LedgerEntry>
