/// An ordered list of contacts (phones or e-mails) with exactly one primary entry when
/// not empty: the first. The primary one is used for SMS, calls and mailings.
///
/// Keeping the primary entry first makes "exactly one primary" true by construction, and
/// lets a report script read it as `json_extract(phones, '$[0]')`.
public struct ContactList<Contact: Hashable & Sendable & Codable & CustomStringConvertible>: Hashable, Sendable, Codable {
    /// Every entry, the primary one first.
    public private(set) var entries: [Contact]

    /// The primary entry, `nil` when the list is empty.
    public var primary: Contact? { entries.first }

    /// An empty list.
    public init() { entries = [] }

    /// Creates a list whose first entry is primary; refuses repeated entries.
    public init(_ entries: [Contact], field: String) throws(ModelError) {
        for index in entries.indices.dropFirst() where entries[..<index].contains(entries[index]) {
            throw ModelError(.duplicate, field: "\(field)[\(index)]", "repeats an earlier entry")
        }
        self.entries = entries
    }

    /// Makes `contact` the primary entry, adding it if absent.
    public mutating func makePrimary(_ contact: Contact) {
        entries.removeAll { $0 == contact }
        entries.insert(contact, at: 0)
    }

    public init(from decoder: any Decoder) throws {
        entries = try decoder.singleValueContainer().decode([Contact].self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(entries)
    }
}

extension ContactList where Contact == PhoneNumber {
    /// Parses phones as typed, the first becoming primary.
    public init(phones texts: [String], region: PhoneNumber.Region? = nil) throws(ModelError) {
        var phones: [PhoneNumber] = []
        for (index, text) in texts.enumerated() {
            phones.append(try PhoneNumber(parsing: text, field: "phones[\(index)]", region: region))
        }
        try self.init(phones, field: "phones")
    }
}

extension ContactList where Contact == EmailAddress {
    /// Parses e-mail addresses as typed, the first becoming primary.
    public init(emails texts: [String]) throws(ModelError) {
        var emails: [EmailAddress] = []
        for (index, text) in texts.enumerated() {
            emails.append(try EmailAddress(parsing: text, field: "emails[\(index)]"))
        }
        try self.init(emails, field: "emails")
    }
}
