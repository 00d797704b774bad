/// The words of the front end in each language. Every key exists in every catalogue (a
/// test checks); `{0}`, `{1}` are filled in by ``text(_:_:)``.
public struct Messages: Sendable {
    /// The language.
    public let language: Language
    private let catalogue: [String: String]

    /// The catalogue of `language`.
    public init(_ language: Language) {
        self.language = language
        catalogue = Self.catalogues[language] ?? [:]
    }

    /// The text of `key`, with arguments in place of `{0}`, `{1}`…; the key itself when it
    /// is missing (a test keeps that from happening).
    public func text(_ key: String, _ arguments: String...) -> String {
        var text = catalogue[key] ?? Self.catalogues[.en]?[key] ?? key
        for (index, argument) in arguments.enumerated() { text = text.replacingOccurrences(of: "{\(index)}", with: argument) }
        return text
    }

    /// A time left in words: seconds under a minute and a half, then minutes, then hours.
    public func duration(seconds: Double) -> String {
        let whole = Int(seconds.rounded(.up))
        if whole < 90 { return text("unit.seconds", String(whole)) }
        if whole < 5_400 { return text("unit.minutes", String((whole + 30) / 60)) }
        return text("unit.hours", String(whole / 3_600), String((whole % 3_600) / 60))
    }

    /// Every key of every catalogue, for the template context.
    public var all: [String: String] { catalogue }

    static let catalogues: [Language: [String: String]] = [.en: english, .ko: korean, .ru: russian]
}
