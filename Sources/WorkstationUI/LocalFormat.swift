import CRMModel
import Foundation

/// Dates, times and amounts as the workstation's people read them: in the page's language
/// and the workstation's time zone.
public struct LocalFormat: Sendable {
    private let locale: Locale
    private let timeZone: TimeZone
    private let formatters: Formatters

    /// Formats for `language` in `timeZone` (the workstation's own by default).
    public init(language: Language, timeZone: TimeZone = .current) {
        locale = Locale(identifier: language.localeIdentifier)
        self.timeZone = timeZone
        formatters = Formatters(locale: locale, timeZone: timeZone)
    }

    /// The formatters, made once per format: making a DateFormatter costs more than
    /// formatting with it, and a card formats a few hundred times.
    private final class Formatters: @unchecked Sendable {
        // Used by one request at a time (a page's context is built on one task); the lock
        // keeps a shared format safe all the same.
        private let lock = NSLock()
        private let dateTime: DateFormatter
        private let time: DateFormatter
        private let day: DateFormatter
        private let number: NumberFormatter

        init(locale: Locale, timeZone: TimeZone) {
            func make(_ date: DateFormatter.Style, _ time: DateFormatter.Style, zone: TimeZone) -> DateFormatter {
                let formatter = DateFormatter()
                formatter.locale = locale
                formatter.timeZone = zone
                formatter.dateStyle = date
                formatter.timeStyle = time
                return formatter
            }
            dateTime = make(.medium, .short, zone: timeZone)
            time = make(.none, .short, zone: timeZone)
            day = make(.medium, .none, zone: TimeZone(identifier: "UTC")!)
            number = NumberFormatter()
            number.locale = locale
            number.numberStyle = .decimal
        }

        func format(_ date: Date, withTime: Bool, withDate: Bool) -> String {
            lock.withLock { (withDate ? (withTime ? dateTime : day) : time).string(from: date) }
        }

        func format(_ value: Int64) -> String? {
            lock.withLock { number.string(from: NSNumber(value: value)) }
        }
    }

    /// An ISO 8601 instant as a local date and time ("28 Nov 2026, 19:30"); the text as it
    /// came when it does not parse.
    public func dateTime(_ iso: String) -> String { instant(iso, date: .medium, time: .short) }

    /// An ISO 8601 instant as a local time of day.
    public func time(_ iso: String) -> String { instant(iso, date: .none, time: .short) }

    private func instant(_ iso: String, date dateStyle: DateFormatter.Style, time timeStyle: DateFormatter.Style) -> String {
        guard let date = Self.date(iso) else { return iso }
        return formatters.format(date, withTime: timeStyle != .none, withDate: dateStyle != .none)
    }

    /// A `YYYY-MM-DD` date in the page's language.
    public func date(_ day: String) -> String {
        let parser = DateFormatter()
        parser.locale = Locale(identifier: "en_US_POSIX")
        parser.timeZone = TimeZone(identifier: "UTC")
        parser.dateFormat = "yyyy-MM-dd"
        guard let date = parser.date(from: day) else { return day }
        return formatters.format(date, withTime: false, withDate: true)
    }

    /// An amount in minor units, grouped as the language writes numbers.
    public func amount(_ minor: Int64) -> String {
        formatters.format(minor) ?? String(minor)
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
