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
    public init(parsing text: String, field: String = "date") throws(ModelError) {
        let trimmed = text.trimmingWhitespace()
        let dashed = trimmed.split(separator: "-", omittingEmptySubsequences: false)
        let dotted = trimmed.split(separator: ".", omittingEmptySubsequences: false)
        let numbers: (Int, Int, Int)?
        if dashed.count == 3, dashed[0].count == 4, dashed[1].count == 2, dashed[2].count == 2 {
            numbers = Self.numbers(dashed[0], dashed[1], dashed[2])
        } else if dotted.count == 3, dotted[0].count == 2, dotted[1].count == 2, dotted[2].count == 4 {
            numbers = Self.numbers(dotted[2], dotted[1], dotted[0])
        } else {
            numbers = nil
        }
        guard let (year, month, day) = numbers else {
            throw ModelError(.invalidDate, field: field, "is not a date (expected YYYY-MM-DD or DD.MM.YYYY)")
        }
        try self.init(year: year, month: month, day: day, field: field)
    }

    private static func numbers(_ year: Substring, _ month: Substring, _ day: Substring) -> (Int, Int, Int)? {
        guard [year, month, day].allSatisfy({ $0.allSatisfy(\.isASCIIDigit) }),
              let y = Int(year), let m = Int(month), let d = Int(day) else { return nil }
        return (y, m, d)
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

extension Character {
    /// `0` to `9` only (not other scripts' digits).
    var isASCIIDigit: Bool { asciiValue.map { (48...57).contains($0) } ?? false }
}
