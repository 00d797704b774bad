/// An e-mail address, checked for shape (one `@`, a local part, a dotted domain) and
/// stored with its domain in lowercase.
public struct EmailAddress: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The normalised address.
    public let value: String

    /// The longest address accepted (RFC 5321's path limit).
    public static let limit = 254

    /// Parses `text`, naming `field` on failure.
    public init(parsing text: String, field: String = "email") throws(ModelError) {
        let trimmed = text.trimmingWhitespace()
        guard trimmed.count <= Self.limit else {
            throw ModelError(.tooLong, field: field, "\(trimmed.count) characters, the limit is \(Self.limit)")
        }
        let parts = trimmed.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty,
              !trimmed.contains(where: { $0.isWhitespace || $0 == "," || $0 == ";" }) else {
            throw ModelError(.invalidEmail, field: field, "is not an e-mail address (expected name@domain)")
        }
        let labels = parts[1].split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, labels.allSatisfy({ !$0.isEmpty }) else {
            throw ModelError(.invalidEmail, field: field, "has no valid domain (expected name@domain.tld)")
        }
        value = parts[0] + "@" + parts[1].lowercased()
    }

    public var description: String { value }

    public init(from decoder: any Decoder) throws {
        self = try EmailAddress(parsing: try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}
