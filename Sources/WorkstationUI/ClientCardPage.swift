import CRMModel
import Foundation
import LocalReplica

/// The client card: profile and status with its actions, contacts with the primary marked,
/// tags, custom fields by label, memos, schedules (upcoming and past, with journals), the
/// assignee with its warning, tasks, money.
struct ClientCardPage {
    let base: PageContext
    let client: ClientDetail
    let window: CardWindow

    /// Memos, schedules (each of upcoming and past) and ledger entries shown at first;
    /// "show more" doubles them, up to ``largestWindow``.
    static let firstWindow = (memos: 50, schedules: 20, ledger: 50)
    static let largestWindow = 10_000

    /// The window a request asks for (`?memos=`, `?schedules=`, `?ledger=`).
    static func window(for request: UIRequest, now: Date = Date()) -> CardWindow {
        func size(_ name: String, _ first: Int) -> Int {
            min(max(request.query(name).flatMap(Int.init) ?? first, first), largestWindow)
        }
        return CardWindow(memos: size("memos", firstWindow.memos), schedules: size("schedules", firstWindow.schedules),
                          ledger: size("ledger", firstWindow.ledger), now: Timestamp(unixMillis: Int64(now.timeIntervalSince1970 * 1000)))
    }

    /// "x of y shown" and a link that shows twice as many, when some are hidden.
    private func more(_ parameter: String, shown: Int, of total: Int, window: Int?) -> [String: Any]? {
        guard shown < total, let window else { return nil }
        var items = [("memos", self.window.memos), ("schedules", self.window.schedules), ("ledger", self.window.ledger)]
            .compactMap { name, value in value.map { URLQueryItem(name: name, value: String(name == parameter ? min(window * 2, Self.largestWindow) : $0)) } }
        items.append(URLQueryItem(name: "lang", value: base.language.rawValue))
        var components = URLComponents()
        components.path = "/clients/\(client.id)"
        components.queryItems = items
        return ["shown": base.messages.text("card.shown", String(shown), String(total)), "link": (components.string ?? "") + "#\(parameter)"]
    }

    func context() throws -> [String: Any] {
        let messages = base.messages, format = base.format
        let labels = try base.replica.customFieldLabels()
        let branches = try base.replica.branchNames()
        let now = Date()
        let memoCounter = messages.text("memo.counter", "{0}", "{1}")
        let memos: [[String: Any]] = client.memos.reversed().map { memo in
            [
                "id": memo.id, "text": memo.text, "client": client.id, "limit": Memo.textLimit, "counterTemplate": memoCounter,
                "kind": messages.text("memo.type.\(memo.type ?? "none")"), "csrf": base.access.csrfToken,
                "meta": messages.text("memo.by", memo.author.map { base.name(ofStaff: $0) } ?? "—", format.dateTime(memo.createdAt)),
            ]
        }
        let schedules: [(upcoming: Bool, view: [String: Any])] = client.schedules.map { schedule in
            let start = LocalFormat.date(schedule.start)
            let upcoming = schedule.state == "scheduled" && (start.map { $0 > now } ?? true)
            return (upcoming, present([
                "id": schedule.id, "client": client.id, "csrf": base.access.csrfToken, "t": base.words,
                "when": "\(format.dateTime(schedule.start)) – \(format.time(schedule.end))", "state": schedule.state,
                "stateLabel": messages.text("schedule.state.\(schedule.state)"), "withStaff": schedule.staff.map { base.name(ofStaff: $0) },
                "inRoom": schedule.room, "journal": schedule.journal, "canComplete": schedule.state == "scheduled",
            ]))
        }
        let tasks = try base.replica.tasks(ofClient: client.id).map { task -> [String: Any] in
            present(["title": task.title, "due": task.due.map { messages.text("tasks.due", format.date($0)) }])
        }
        let ledger = client.ledger.reversed().map { entry -> [String: Any] in
            ["when": format.dateTime(entry.createdAt), "kind": messages.text("money.kind.\(entry.kind)"),
             "amount": format.amount(entry.amount), "note": entry.note ?? ""]
        }
        let status = client.status
        let staff = try base.replica.staff().map { ["value": $0.id, "label": $0.name, "selected": $0.id == client.assignee] as [String: Any] }
        // "Show more" only where something is hidden: an absent key, not a nil (Mustache
        // would show a section for a nil wrapped in Any).
        let hidden = present([
            "moreMemos": more("memos", shown: client.memos.count, of: client.memoCount, window: window.memos),
            "moreUpcoming": more("schedules", shown: schedules.filter(\.upcoming).count, of: client.upcomingCount, window: window.schedules),
            "morePast": more("schedules", shown: schedules.filter { !$0.upcoming }.count, of: client.pastCount, window: window.schedules),
            "moreLedger": more("ledger", shown: client.ledger.count, of: client.ledgerCount, window: window.ledger),
        ])
        return try base.context(page: "card", title: client.name, hidden.merging([
            "client": present([
                "id": client.id, "name": client.name, "status": status, "statusLabel": messages.text("status.\(status)"),
                "archiveReason": client.archiveReason.map { messages.text("card.archivedBecause", $0) },
                "phones": client.phones.enumerated().map { ["value": ClientListPage.readablePhone($0.element), "primary": $0.offset == 0] },
                "emails": client.emails.enumerated().map { ["value": $0.element, "primary": $0.offset == 0] },
                "born": client.birthDate.map { format.date($0) },
                "branch": client.branch.map { branches[$0] ?? "—" } ?? "—",
                "tags": client.tags,
                "fields": client.customFields.sorted { $0.key < $1.key }.map { ["label": labels[$0.key] ?? $0.key, "value": $0.value] },
                "assignee": base.name(ofStaff: client.assignee),
            ]),
            "actions": [
                "dormant": status != "dormant" && status != "archived", "wake": status == "dormant",
                "archive": status != "archived", "unarchive": status == "archived",
            ],
            "deleteConfirm": messages.text("card.deleteConfirm", client.name),
            "staff": staff, "memos": memos, "memoLimit": Memo.textLimit, "counterTemplate": memoCounter,
            "upcoming": schedules.filter(\.upcoming).map(\.view), "past": schedules.filter { !$0.upcoming }.map(\.view).reversed(),
            "tasks": tasks, "ledger": ledger, "debt": client.balance < 0,
            "balance": client.balance < 0 ? messages.text("money.debt", format.amount(-client.balance)) : messages.text("money.balance", format.amount(client.balance)),
            "created": messages.text("card.created", format.dateTime(client.createdAt)),
        ] as [String: Any]) { $1 })
    }
}
