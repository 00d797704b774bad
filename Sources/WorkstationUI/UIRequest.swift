import Foundation
import HTTPTypes
import Hummingbird

/// What a page needs from a request: its language, its query, its form.
struct UIRequest {
    let request: Request
    let language: Language
    /// The language asked for with `?lang=`, to remember in a cookie.
    let chosenLanguage: Language?

    init(_ request: Request) {
        self.request = request
        let query = request.uri.queryParameters.get("lang").map { String($0) }
        chosenLanguage = query.flatMap { Language(rawValue: $0.lowercased()) }
        let remembered = request.cookies["crm_lang"]?.value
        language = Language.negotiate(query: query ?? remembered, acceptLanguage: request.headers[.acceptLanguage])
    }

    /// A query parameter, `nil` when absent or empty.
    func query(_ name: String) -> String? {
        guard let value = request.uri.queryParameters.get(name).map({ String($0) }), !value.isEmpty else { return nil }
        return value
    }

    /// The path with the query, for links back here.
    var pathAndQuery: String { request.uri.string }
}

/// A URL-encoded form body, read up to 1 MiB.
struct FormBody {
    private var fields: [String: String] = [:]

    static func read(_ request: Request) async throws -> FormBody {
        let buffer = try await request.body.collect(upTo: 1 << 20)
        var form = FormBody()
        let text = String(buffer: buffer)
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { Self.decode(String($0)) }
            guard let name = parts.first else { continue }
            form.fields[name] = parts.count > 1 ? parts[1] : ""
        }
        return form
    }

    /// A field, `nil` when absent.
    subscript(_ name: String) -> String? { fields[name] }

    /// A field trimmed, `nil` when absent or blank.
    func value(_ name: String) -> String? {
        guard let value = fields[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        return value
    }

    private static func decode(_ text: String) -> String {
        text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? text
    }
}
