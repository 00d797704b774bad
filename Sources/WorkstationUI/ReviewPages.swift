import CRMModel
import Foundation
import LocalReplica

/// Conflicts to review side by side, refused changes with their reason in words and what
/// was typed, and tasks with the user's own first.
struct ReviewPages {
    let base: PageContext

    /// What a row is, for a person: "the memo of Kim Minji".
    private func about(entity: String, id: String) -> String {
        let messages = base.messages
        let what = messages.text("entity.\(entity)")
        if entity == "client", let name = try? base.replica.clientNames(of: [id])[id] { return name }
        if let owner = try? base.replica.clientName(ofRow: entity, id: id) { return messages.text("conflicts.about", what, owner) }
        return "\(what) \(messages.text("conflicts.deleted"))"
    }

    func conflicts() throws -> [String: Any] {
        let messages = base.messages, format = base.format
        let conflicts = try base.replica.conflicts().map { conflict -> [String: Any] in
            [
                "id": conflict.id, "csrf": base.access.csrfToken, "t": base.words,
                "kind": messages.text("conflict.kind.\(conflict.kind)"), "about": about(entity: conflict.entity, id: conflict.entityId),
                "when": format.dateTime(conflict.createdAt),
                "keptTitle": messages.text("conflicts.kept", ""), "otherTitle": messages.text("conflicts.other", ""),
                "kept": conflict.kept ?? "—", "other": conflict.other ?? "—",
                "keptBy": base.name(ofStaff: conflict.keptAuthor), "otherBy": base.name(ofStaff: conflict.otherAuthor),
                "oneField": conflict.field != nil,
            ]
        }
        return try base.context(page: "conflicts", title: messages.text("conflicts.title"), ["conflicts": conflicts])
    }

    func rejected() throws -> [String: Any] {
        let messages = base.messages, format = base.format
        let rejected = try base.replica.rejectedChanges().reversed().map { change -> [String: Any] in
            let key = "reason.\(change.reason)"
            let reason = messages.text(key) == key ? messages.text("reason.other", change.reason) : messages.text(key)
            return present([
                "reason": reason, "about": about(entity: change.entity, id: change.entityId), "when": format.dateTime(change.rejectedAt),
                "typed": change.value.map { messages.text("rejected.typed", $0) },
            ])
        }
        return try base.context(page: "rejected", title: messages.text("rejected.title"), ["rejected": rejected])
    }

    func tasks() throws -> [String: Any] {
        let messages = base.messages, format = base.format
        let me = try base.replica.owner()?.id
        let tasks = try base.replica.tasks()
        let clients = try base.replica.clientNames(of: tasks.compactMap(\.clientId))
        let all = tasks.map { task -> (mine: Bool, view: [String: Any]) in
            (task.assignee == me && me != nil, present([
                "id": task.id, "title": task.title, "csrf": base.access.csrfToken, "t": base.words,
                "client": task.clientId.flatMap { clients[$0] }, "clientId": task.clientId,
                "due": task.due.map { messages.text("tasks.due", format.date($0)) },
            ]))
        }
        let groups: [[String: Any]] = [
            ["title": messages.text("tasks.mine"), "tasks": all.filter(\.mine).map(\.view)],
            ["title": messages.text("tasks.others"), "tasks": all.filter { !$0.mine }.map(\.view)],
        ]
        return try base.context(page: "tasks", title: messages.text("tasks.title"), ["groups": groups])
    }
}
