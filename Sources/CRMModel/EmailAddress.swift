/// An e-mail address, checked for shape (one `@`, a local part, a dotted domain) and
/// stored with its domain in lowercase.
public struct EmailAddress: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The normalised address.
    public let value: String

    /// The longest address accepted (RFC 5321's path limit).
    public static let limit = 254

    /// Parses `text`, naming `field` on failure.
    public init(parsing text: String, field: @autoclosure () -> String = "email") throws(ModelError) {
        let trimmed = text.trimmingWhitespace()
        let bytes = Array(trimmed.utf8)
        guard bytes.count <= Self.limit else {
            throw ModelError(.tooLong, field: field(), "\(trimmed.count) characters, the limit is \(Self.limit)")
        }
        guard let at = bytes.firstIndex(of: UInt8(ascii: "@")), at > 0, at < bytes.count - 1,
              bytes.lastIndex(of: UInt8(ascii: "@")) == at,
              !bytes.contains(where: { $0 <= 0x20 || $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: ";") }) else {
            throw ModelError(.invalidEmail, field: field(), "is not an e-mail address (expected name@domain)")
        }
        let domain = bytes[(at + 1)...]
        let labels = domain.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard labels.count >= 2, labels.allSatisfy({ !$0.isEmpty }) else {
            throw ModelError(.invalidEmail, field: field(), "has no valid domain (expected name@domain.tld)")
        }
        if domain.contains(where: { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) || $0 >= 0x80 }) {
            value = String(decoding: bytes[...at], as: UTF8.self) + String(decoding: domain, as: UTF8.self).lowercased()
        } else {
            value = trimmed
        }
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
