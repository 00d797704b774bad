/// A client card: the person (or family) an office serves.
///
/// Status is not stored here: it is derived from the client's schedules and flags by
/// ``ClientStatus/derive(dormant:archived:schedules:)``.
public struct Client: Hashable, Sendable, Codable, Identifiable {
    /// The card's id.
    public var id: ClientID
    /// Full name (for a children's centre, parent and child), 1 to ``Client/nameLimit``
    /// characters.
    public var name: String
    /// Phones, the primary one first.
    public var phones: ContactList<PhoneNumber>
    /// E-mail addresses, the primary one first.
    public var emails: ContactList<EmailAddress>
    /// Birth date, if known.
    public var birthDate: CalendarDate?
    /// Tags for grouping and filtering.
    public var tags: Set<Tag>
    /// Values of the organisation's custom fields, by field key.
    public var customFields: [String: String]
    /// The branch the client belongs to.
    public var branchID: BranchID?
    /// The responsible staff member.
    public var assigneeID: UserID?
    /// Put to sleep by hand: the client paused.
    public var dormant: Bool
    /// Why the client was archived; `nil` while the client is not archived.
    public var archiveReason: String?

    /// The longest client name accepted.
    public static let nameLimit = 200
    /// The longest archive reason accepted.
    public static let archiveReasonLimit = 500

    /// Creates a card after checking its name and archive reason.
    public init(
        id: ClientID, name: String, phones: ContactList<PhoneNumber> = .init(),
        emails: ContactList<EmailAddress> = .init(), birthDate: CalendarDate? = nil,
        tags: Set<Tag> = [], customFields: [String: String] = [:], branchID: BranchID? = nil,
        assigneeID: UserID? = nil, dormant: Bool = false, archiveReason: String? = nil
    ) throws(ModelError) {
        self.id = id
        self.name = try Client.validName(name)
        self.phones = phones
        self.emails = emails
        self.birthDate = birthDate
        self.tags = tags
        self.customFields = customFields
        self.branchID = branchID
        self.assigneeID = assigneeID
        self.dormant = dormant
        self.archiveReason = try archiveReason.map { reason throws(ModelError) in try Client.validArchiveReason(reason) }
    }

    /// Whether the card is archived (excluded from search, listed separately).
    public var isArchived: Bool { archiveReason != nil }

    /// Checks and trims a client name.
    public static func validName(_ name: String) throws(ModelError) -> String {
        try Text.required(name, field: "client.name", limit: nameLimit)
    }

    /// Checks and trims an archive reason, which is required when archiving.
    public static func validArchiveReason(_ reason: String) throws(ModelError) -> String {
        try Text.required(reason, field: "client.archiveReason", limit: archiveReasonLimit)
    }
}

/// A label on a client card: trimmed, 1 to ``Tag/limit`` characters, compared exactly.
public struct Tag: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// The label text.
    public let name: String

    /// The longest tag accepted.
    public static let limit = 64

    /// Checks a tag, naming `field` on failure.
    public init(parsing text: String, field: String = "tag") throws(ModelError) {
        name = try Text.required(text, field: field, limit: Self.limit)
    }

    public var description: String { name }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.name < rhs.name }

    public init(from decoder: any Decoder) throws {
        self = try Tag(parsing: try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(name)
    }
}
