import CRMModel

/// What a new client card is made of, as typed: the writer validates and normalises
/// every field (phones to international digits, the first phone and e-mail primary).
public struct NewClient: Sendable {
    /// Full name.
    public var name: String
    /// Phones as typed; the first is primary.
    public var phones: [String]
    /// E-mail addresses as typed; the first is primary.
    public var emails: [String]
    /// Birth date as `YYYY-MM-DD` or `DD.MM.YYYY`.
    public var birthDate: String?
    /// Tags.
    public var tags: [String]
    /// Custom field values by key; each key must be a defined custom field.
    public var customFields: [String: String]
    /// The client's branch.
    public var branchID: BranchID?
    /// The responsible staff member.
    public var assigneeID: UserID?

    /// Describes a new client.
    public init(name: String, phones: [String] = [], emails: [String] = [], birthDate: String? = nil, tags: [String] = [],
                customFields: [String: String] = [:], branchID: BranchID? = nil, assigneeID: UserID? = nil) {
        self.name = name
        self.phones = phones
        self.emails = emails
        self.birthDate = birthDate
        self.tags = tags
        self.customFields = customFields
        self.branchID = branchID
        self.assigneeID = assigneeID
    }
}

/// Changes to a client card; `nil` leaves a field as it is. Phones and e-mails, when
/// given, replace the whole list (the first becomes primary).
public struct ClientEdit: Sendable {
    /// New full name.
    public var name: String?
    /// New phone list.
    public var phones: [String]?
    /// New e-mail list.
    public var emails: [String]?
    /// New birth date; an empty string clears it.
    public var birthDate: String?
    /// Custom field values to set; an empty value clears that field.
    public var customFields: [String: String]
    /// New branch.
    public var branchID: BranchID?

    /// Describes an edit.
    public init(name: String? = nil, phones: [String]? = nil, emails: [String]? = nil, birthDate: String? = nil,
                customFields: [String: String] = [:], branchID: BranchID? = nil) {
        self.name = name
        self.phones = phones
        self.emails = emails
        self.birthDate = birthDate
        self.customFields = customFields
        self.branchID = branchID
    }
}
