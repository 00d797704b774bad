import Foundation
import LocalReplica

/// What every page shows around its content: words in its language, the navigation with
/// counts, the sync indicator, the language links, the CSRF token.
struct PageContext {
    let replica: Replica
    let access: UIAccess
    let language: Language
    let messages: Messages
    let format: LocalFormat
    /// Staff names by id.
    let staffNames: [String: String]
    /// The words of the catalogue, keyed for templates (`app.title` as `app_title`); made
    /// once per page, since every item of a list carries them.
    let words: [String: String]

    init(replica: Replica, access: UIAccess, language: Language) throws {
        self.replica = replica
        self.access = access
        self.language = language
        messages = Messages(language)
        format = LocalFormat(language: language)
        staffNames = Dictionary(try replica.staff().map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        words = Dictionary(uniqueKeysWithValues: messages.all.map { ($0.key.replacingOccurrences(of: ".", with: "_"), $0.value) })
    }

    /// A staff member's name (never the id, whatever the replica knows).
    func name(ofStaff id: String?) -> String {
        guard let id else { return messages.text("card.nobody") }
        return staffNames[id] ?? "—"
    }

    /// The base of a template context: every page's shared parts and `values`.
    func context(page: String, title: String, _ values: [String: Any] = [:]) throws -> [String: Any] {
        var context: [String: Any] = [
            "lang": language.rawValue, "csrf": access.csrfToken, "t": words, "page": page, "title": title,
            "nav": [page: true], "sync": try syncIndicator(), "counts": try counts(),
            "languages": Language.allCases.map { ["code": $0.rawValue, "name": Self.languageNames[$0] ?? $0.rawValue, "current": $0 == language] },
        ]
        for (key, value) in values { context[key] = value }
        return context
    }

    static let languageNames: [Language: String] = [.en: "English", .ko: "한국어", .ru: "Русский"]

    /// The sync indicator: online or offline, what waits to be sent, the last sync and the
    /// last problem, in words.
    func syncIndicator() throws -> [String: Any] {
        let status = try replica.status()
        var sync: [String: Any] = [:]
        if status.server == nil {
            sync["state"] = "standalone"
            sync["headline"] = messages.text("sync.standalone")
        } else if let error = status.lastError {
            sync["state"] = "offline"
            sync["headline"] = messages.text("sync.offline")
            sync["error"] = messages.text("sync.error", error)
        } else {
            sync["state"] = "online"
            sync["headline"] = messages.text("sync.online")
        }
        if let catchUp = status.catchUp {
            var text = messages.text("sync.progress", format.amount(catchUp.done), format.amount(catchUp.total))
            if let left = catchUp.secondsLeft(now: Int64(Date().timeIntervalSince1970 * 1000)) {
                text += " · " + messages.text("sync.left", messages.duration(seconds: left))
            }
            sync["progress"] = ["done": catchUp.done, "total": catchUp.total, "text": text]
        }
        if status.pending > 0 { sync["pending"] = messages.text("sync.pending", String(status.pending)) }
        sync["last"] = status.lastSync.map { messages.text("sync.last", format.dateTime($0)) } ?? messages.text("sync.never")
        if status.purgePending { sync["purge"] = messages.text("sync.purge") }
        return sync
    }

    private func counts() throws -> [String: Any] {
        var counts: [String: Any] = [:]
        let (conflicts, rejected, tasks) = try replica.reviewCounts()
        if conflicts > 0 { counts["conflicts"] = conflicts }
        if rejected > 0 { counts["rejected"] = rejected }
        if tasks > 0 { counts["tasks"] = tasks }
        return counts
    }

    /// Renders `template` inside the layout.
    func render(_ template: String, _ context: [String: Any]) -> String {
        var context = context
        context["content"] = Templates.library.render(context, withTemplate: template) ?? ""
        return Templates.library.render(context, withTemplate: "layout") ?? ""
    }
}

/// A template context without its absent values: Mustache would print an absent optional
/// as "nil", and a missing key is simply not shown.
func present(_ values: [String: Any?]) -> [String: Any] {
    values.compactMapValues { $0 }
}
