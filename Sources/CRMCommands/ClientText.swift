import LocalReplica

/// The human-readable form of a client card.
enum ClientText {
    static func render(_ client: ClientDetail, names: Names) -> String {
        var lines = ["\(Terminal.safe(client.name))  [\(client.status)]", "id:       \(client.id)"]
        if !client.phones.isEmpty { lines.append("phones:   " + client.phones.joined(separator: ", ") + "  (first is primary)") }
        if !client.emails.isEmpty { lines.append("emails:   " + client.emails.joined(separator: ", ")) }
        if let birthDate = client.birthDate { lines.append("born:     \(birthDate)") }
        if let assignee = client.assignee { lines.append("assignee: \(names.staff(assignee))") }
        if !client.tags.isEmpty { lines.append("tags:     " + client.tags.joined(separator: ", ")) }
        if !client.ledger.isEmpty { lines.append("balance:  \(client.balance)\(client.balance < 0 ? " (debt)" : "") from \(client.ledger.count) ledger entries") }
        for key in client.customFields.keys.sorted() { lines.append("\(key): \(client.customFields[key]!)") }
        if let reason = client.archiveReason { lines.append("archived: \(reason)") }
        for memo in client.memos {
            let author = memo.author.map { " by \(names.staff($0))" } ?? ""
            lines.append("memo \(memo.id) \(memo.type.map { "(\($0)) " } ?? "")\(LocalTime.text(memo.createdAt))\(author): \(Terminal.safe(memo.text))")
        }
        for schedule in client.schedules {
            lines.append("schedule \(schedule.id) \(LocalTime.text(schedule.start)) – \(LocalTime.text(schedule.end)) \(schedule.state)"
                         + (schedule.staff.map { " with \(names.staff($0))" } ?? "") + (schedule.room.map { " in \(names.room($0))" } ?? ""))
            if let journal = schedule.journal { lines.append("  journal: \(Terminal.safe(journal))") }
        }
        return lines.joined(separator: "\n")
    }
}
