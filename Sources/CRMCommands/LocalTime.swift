import CRMModel
import Foundation

/// Instants as `crm`'s text output shows them: in the workstation's time zone, sortable,
/// with the zone's offset (`2026-11-28 19:30 +09:00`). JSON output keeps ISO 8601 UTC.
enum LocalTime {
    /// `iso` (ISO 8601 with a zone) in `zone`; the text as it came when it does not parse.
    static func text(_ iso: String, zone: TimeZone = .current) -> String {
        guard let stamp = try? Timestamp(parsing: iso, field: "time") else { return iso }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = zone
        formatter.dateFormat = "yyyy-MM-dd HH:mm xxx"
        return formatter.string(from: Date(timeIntervalSince1970: Double(stamp.unixMillis) / 1000))
    }
}
