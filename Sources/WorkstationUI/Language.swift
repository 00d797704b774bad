import Foundation

/// The languages of the front end, chosen by `?lang=`, else by the browser's
/// Accept-Language, else English.
public enum Language: String, Sendable, CaseIterable {
    case en, ko, ru

    /// The language a request asks for.
    public static func negotiate(query: String?, acceptLanguage: String?) -> Language {
        if let query, let language = Language(rawValue: query.lowercased()) { return language }
        // "ko-KR,ko;q=0.9,en;q=0.8": the highest weighted tag we speak.
        var best: (language: Language, weight: Double)?
        for part in (acceptLanguage ?? "").split(separator: ",") {
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = pieces.first?.lowercased(), !tag.isEmpty else { continue }
            let primary = String(tag.split(separator: "-").first ?? "")
            guard let language = Language(rawValue: primary) else { continue }
            let weight = pieces.dropFirst().compactMap { $0.hasPrefix("q=") ? Double($0.dropFirst(2)) : nil }.first ?? 1
            if weight > (best?.weight ?? 0) { best = (language, weight) }
        }
        return best?.language ?? .en
    }

    /// The BCP 47 tag for `<html lang>` and number and date formats.
    public var localeIdentifier: String {
        switch self {
        case .en: "en_GB"
        case .ko: "ko_KR"
        case .ru: "ru_RU"
        }
    }
}
