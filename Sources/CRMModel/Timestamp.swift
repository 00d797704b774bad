/// An instant, in Unix milliseconds, with an ISO 8601 text form in UTC.
///
/// Parses `YYYY-MM-DDTHH:MM[:SS[.fff]]` followed by `Z` or an offset `±HH:MM`; a timestamp
/// without a zone is refused, since offices in different zones would read it differently.
/// The text form (`2026-11-23T10:00:00Z`) sorts as text.
public struct Timestamp: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    public let unixMillis: Int64

    /// Wraps a number of Unix milliseconds.
    public init(unixMillis: Int64) { self.unixMillis = unixMillis }

    /// Parses ISO 8601 with a zone, naming `field` on failure.
    public init(parsing text: String, field: String = "timestamp") throws(ModelError) {
        guard let millis = Self.parse(Array(text.trimmingWhitespace().utf8)) else {
            throw ModelError(.invalidDate, field: field, "is not an ISO 8601 time with a zone (expected e.g. 2026-11-23T10:00:00Z or 2026-11-23T19:00+09:00)")
        }
        unixMillis = millis
    }

    private static func parse(_ bytes: [UInt8]) -> Int64? {
        var index = 0
        func number(_ width: Int) -> Int? {
            guard index + width <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[index..<index + width] {
                guard (48...57).contains(byte) else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            index += width
            return value
        }
        func expect(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }
        guard let year = number(4), expect(UInt8(ascii: "-")), let month = number(2), expect(UInt8(ascii: "-")),
              let day = number(2), expect(UInt8(ascii: "T")) || expect(UInt8(ascii: " ")),
              let hour = number(2), expect(UInt8(ascii: ":")), let minute = number(2) else { return nil }
        var second = 0, millis = 0
        if expect(UInt8(ascii: ":")) {
            guard let s = number(2) else { return nil }
            second = s
            if expect(UInt8(ascii: ".")) {
                var digits = 0
                while index < bytes.count, (48...57).contains(bytes[index]) {
                    if digits < 3 { millis = millis * 10 + Int(bytes[index] - 48) }
                    digits += 1
                    index += 1
                }
                guard digits > 0 else { return nil }
                if digits < 3 { for _ in digits..<3 { millis *= 10 } }
            }
        }
        var offsetMinutes = 0
        if expect(UInt8(ascii: "Z")) || expect(UInt8(ascii: "z")) {
        } else if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
            let sign = bytes[index] == UInt8(ascii: "-") ? -1 : 1
            index += 1
            guard let h = number(2), expect(UInt8(ascii: ":")), let m = number(2), h < 24, m < 60 else { return nil }
            offsetMinutes = sign * (h * 60 + m)
        } else {
            return nil
        }
        guard index == bytes.count, hour < 24, minute < 60, second < 60,
              (try? CalendarDate(year: year, month: month, day: day)) != nil else { return nil }
        let days = Int64(daysFromCivil(year: year, month: month, day: day))
        let seconds = days * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offsetMinutes * 60)
        return seconds * 1000 + Int64(millis)
    }

    /// Days since 1970-01-01 of a Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The Gregorian date of a day number counted from 1970-01-01.
    static func civil(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// `YYYY-MM-DDTHH:MM:SSZ`, with `.fff` when the milliseconds are not zero.
    public var description: String {
        let totalSeconds = unixMillis >= 0 ? unixMillis / 1000 : (unixMillis - 999) / 1000
        let millis = Int(unixMillis - totalSeconds * 1000)
        let days = Int(totalSeconds >= 0 ? totalSeconds / 86_400 : (totalSeconds - 86_399) / 86_400)
        let secondOfDay = Int(totalSeconds - Int64(days) * 86_400)
        let (year, month, day) = Self.civil(fromDays: days)
        return String(unsafeUninitializedCapacity: 24) { buffer in
            FastText.digits(year, width: 4, into: buffer, at: 0)
            buffer[4] = UInt8(ascii: "-")
            FastText.digits(month, width: 2, into: buffer, at: 5)
            buffer[7] = UInt8(ascii: "-")
            FastText.digits(day, width: 2, into: buffer, at: 8)
            buffer[10] = UInt8(ascii: "T")
            FastText.digits(secondOfDay / 3600, width: 2, into: buffer, at: 11)
            buffer[13] = UInt8(ascii: ":")
            FastText.digits(secondOfDay / 60 % 60, width: 2, into: buffer, at: 14)
            buffer[16] = UInt8(ascii: ":")
            FastText.digits(secondOfDay % 60, width: 2, into: buffer, at: 17)
            var end = 19
            if millis != 0 {
                buffer[19] = UInt8(ascii: ".")
                FastText.digits(millis, width: 3, into: buffer, at: 20)
                end = 23
            }
            buffer[end] = UInt8(ascii: "Z")
            return end + 1
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.unixMillis < rhs.unixMillis }

    public init(from decoder: any Decoder) throws {
        self = try Timestamp(parsing: try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
