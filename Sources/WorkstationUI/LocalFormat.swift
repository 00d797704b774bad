import CRMModel
import Foundation

/// Dates, times and amounts as the workstation's people read them: in the page's language
/// and the workstation's time zone.
public struct LocalFormat: Sendable {
    private let locale: Locale
    private let timeZone: TimeZone

    /// Formats for `language` in `timeZone` (the workstation's own by default).
    public init(language: Language, timeZone: TimeZone = .current) {
        locale = Locale(identifier: language.localeIdentifier)
        self.timeZone = timeZone
    }

    /// An ISO 8601 instant as a local date and time ("28 Nov 2026, 19:30"); the text as it
    /// came when it does not parse.
    public func dateTime(_ iso: String) -> String { instant(iso, date: .medium, time: .short) }

    /// An ISO 8601 instant as a local time of day.
    public func time(_ iso: String) -> String { instant(iso, date: .none, time: .short) }

    private func instant(_ iso: String, date dateStyle: DateFormatter.Style, time timeStyle: DateFormatter.Style) -> String {
        guard let date = Self.date(iso) else { return iso }
        let formatter = DateFormatter()
        formatter.locale = locale
        formatter.timeZone = timeZone
        formatter.dateStyle = dateStyle
        formatter.timeStyle = timeStyle
        return formatter.string(from: date)
    }

    /// A `YYYY-MM-DD` date in the page's language.
    public func date(_ day: String) -> String {
        let parser = DateFormatter()
        parser.locale = Locale(identifier: "en_US_POSIX")
        parser.timeZone = TimeZone(identifier: "UTC")
        parser.dateFormat = "yyyy-MM-dd"
        guard let date = parser.date(from: day) else { return day }
        let formatter = DateFormatter()
        formatter.locale = locale
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateStyle = .medium
        formatter.timeStyle = .none
        return formatter.string(from: date)
    }

    /// An amount in minor units, grouped as the language writes numbers.
    public func amount(_ minor: Int64) -> String {
        let formatter = NumberFormatter()
        formatter.locale = locale
        formatter.numberStyle = .decimal
        return formatter.string(from: NSNumber(value: minor)) ?? String(minor)
    }

    /// The `datetime-local` input value of an instant in the workstation's zone.
    public func inputValue(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = timeZone
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm"
        return formatter.string(from: date)
    }

    /// A `datetime-local` input's value, read in the workstation's zone.
    public func instant(fromInput text: String) -> Timestamp? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = timeZone
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm"
        guard let date = formatter.date(from: text) else { return nil }
        return Timestamp(unixMillis: Int64(date.timeIntervalSince1970 * 1000))
    }

    static func date(_ iso: String) -> Date? {
        guard let stamp = try? Timestamp(parsing: iso, field: "time") else { return nil }
        return Date(timeIntervalSince1970: Double(stamp.unixMillis) / 1000)
    }
}
