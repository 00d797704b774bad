/// A phone number in international form: `+` then 8 to 15 digits (ITU-T E.164).
///
/// Parsing accepts what staff type and what imports contain: spaces, dashes, dots and
/// brackets are dropped; `00` before the country code becomes `+`; a national number that
/// starts with a trunk `0` (Korea, most of Europe) or `8` (Russia, 11 digits) takes the
/// organisation's ``PhoneNumber/Region`` calling code.
public struct PhoneNumber: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The normalised form, e.g. `+821012345678`.
    public let e164: String

    /// Where national numbers (without a country code) are assumed to come from.
    public struct Region: Hashable, Sendable {
        /// The country calling code without `+`, e.g. `82` for Korea.
        public let callingCode: String
        /// The national trunk prefix that is dropped, e.g. `0` for Korea, `8` for Russia.
        public let trunkPrefix: String

        /// Creates a region.
        public init(callingCode: String, trunkPrefix: String) {
            self.callingCode = callingCode
            self.trunkPrefix = trunkPrefix
        }

        /// Korea: `010-1234-5678` becomes `+821012345678`.
        public static let korea = Region(callingCode: "82", trunkPrefix: "0")
        /// Russia: `8 912 345-67-89` becomes `+79123456789`.
        public static let russia = Region(callingCode: "7", trunkPrefix: "8")
    }

    /// The fewest digits accepted after `+`.
    public static let minimumDigits = 8
    /// The most digits accepted after `+` (E.164).
    public static let maximumDigits = 15

    /// Parses and normalises `text`.
    /// - Parameters:
    ///   - field: the name used in the error, e.g. `phones[1]`.
    ///   - region: how to read a number typed without a country code; without one, such a
    ///     number is refused.
    public init(parsing text: String, field: @autoclosure () -> String = "phone", region: Region? = nil) throws(ModelError) {
        var international = false
        var digits: [UInt8] = []
        digits.reserveCapacity(16)
        var offset = 0
        for byte in text.utf8 {
            defer { offset += 1 }
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digits.append(byte)
            case UInt8(ascii: "+") where digits.isEmpty && !international: international = true
            case UInt8(ascii: " "), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "("), UInt8(ascii: ")"), 0x09: continue
            default:
                throw ModelError(.invalidPhone, field: field(), "contains a character other than digits, spaces, dashes, dots, brackets and a leading +")
            }
        }
        if !international, digits.starts(with: [48, 48]) {
            international = true
            digits.removeFirst(2)
        }
        if !international {
            guard let region, digits.starts(with: region.trunkPrefix.utf8) else {
                throw ModelError(.invalidPhone, field: field(), "needs a country code: write it as + and 8 to 15 digits")
            }
            digits = Array(region.callingCode.utf8) + digits.dropFirst(region.trunkPrefix.utf8.count)
        }
        guard (Self.minimumDigits...Self.maximumDigits).contains(digits.count) else {
            throw ModelError(.invalidPhone, field: field(), "has \(digits.count) digits, expected + and \(Self.minimumDigits) to \(Self.maximumDigits) digits")
        }
        guard digits.first != UInt8(ascii: "0") else {
            throw ModelError(.invalidPhone, field: field(), "country code cannot start with 0")
        }
        e164 = "+" + String(decoding: digits, as: UTF8.self)
    }

    public var description: String { e164 }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        self = try PhoneNumber(parsing: text)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(e164)
    }
}
