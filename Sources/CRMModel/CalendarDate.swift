/// A day without a time or zone: a birth date, a task's due date.
///
/// Parses ISO form `YYYY-MM-DD` and the import form `DD.MM.YYYY`; the text form is always
/// ISO, so dates sort as text in the replica.
public struct CalendarDate: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// Year, 1900...2200.
    public let year: Int
    /// Month, 1...12.
    public let month: Int
    /// Day of month, valid for the month and year.
    public let day: Int

    /// The accepted years.
    public static let years = 1900...2200

    /// Creates a date, refusing days that do not exist (30 February).
    public init(year: Int, month: Int, day: Int, field: String = "date") throws(ModelError) {
        guard Self.years.contains(year) else {
            throw ModelError(.invalidDate, field: field, "year must be between \(Self.years.lowerBound) and \(Self.years.upperBound)")
        }
        guard (1...12).contains(month), (1...Self.daysIn(month: month, year: year)).contains(day) else {
            throw ModelError(.invalidDate, field: field, "is not a day of the calendar")
        }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `YYYY-MM-DD` or `DD.MM.YYYY`.
    public init(parsing text: String, field: @autoclosure () -> String = "date") throws(ModelError) {
        let bytes = Array(text.trimmingWhitespace().utf8)
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for byte in bytes[range] {
                guard (48...57).contains(byte) else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        var parts: (Int, Int, Int)?
        if bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
           let y = number(0..<4), let m = number(5..<7), let d = number(8..<10) {
            parts = (y, m, d)
        } else if bytes.count == 10, bytes[2] == UInt8(ascii: "."), bytes[5] == UInt8(ascii: "."),
                  let d = number(0..<2), let m = number(3..<5), let y = number(6..<10) {
            parts = (y, m, d)
        }
        guard let (year, month, day) = parts else {
            throw ModelError(.invalidDate, field: field(), "is not a date (expected YYYY-MM-DD or DD.MM.YYYY)")
        }
        try self.init(year: year, month: month, day: day, field: field())
    }

    /// The number of days in `month` of `year` (Gregorian).
    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// `YYYY-MM-DD`.
    public var description: String {
        "\(Self.pad(year, 4))-\(Self.pad(month, 2))-\(Self.pad(day, 2))"
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    public init(from decoder: any Decoder) throws {
        self = try CalendarDate(parsing: try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
