import CRMModel
import Foundation
import LocalReplica

/// The client card: profile and status with its actions, contacts with the primary marked,
/// tags, custom fields by label, memos, schedules (upcoming and past, with journals), the
/// assignee with its warning, tasks, money.
struct ClientCardPage {
    let base: PageContext
    let client: ClientDetail

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
        let tasks = try base.replica.tasks().filter { $0.clientId == client.id }.map { task -> [String: Any] in
            present(["title": task.title, "due": task.due.map { messages.text("tasks.due", format.date($0)) }])
        }
        let ledger = client.ledger.reversed().map { entry -> [String: Any] in
            ["when": format.dateTime(entry.createdAt), "kind": messages.text("money.kind.\(entry.kind)"),
             "amount": format.amount(entry.amount), "note": entry.note ?? ""]
        }
        let status = client.status
        let staff = try base.replica.staff().map { ["value": $0.id, "label": $0.name, "selected": $0.id == client.assignee] as [String: Any] }
        return try base.context(page: "card", title: client.name, [
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
        ])
    }
}
