import CRMModel
import LocalReplica
import SyncCore

extension Simulation {
    /// One random edit at `office`, chosen from what its replica holds now. Returns what
    /// it did, for the trace.
    func edit(_ office: Office) throws -> String {
        let rows = try office.replica.replicatedRows(of: ["client", "memo", "schedule"])
        let clients = (rows["client"] ?? [:]).keys.sorted()
        let memos = (rows["memo"] ?? [:]).sorted { $0.key < $1.key }
        let schedules = (rows["schedule"] ?? [:]).keys.sorted()
        func any<T>(_ items: [T]) -> T? { items.isEmpty ? nil : items[Int(random.next() % UInt64(items.count))] }
        let roll = random.next() % 100
        do {
            if random.next() % 100 < 4, clients.count < 150 {
                return try addClients(office)
            }
            switch roll {
            case 0..<12 where clients.count < 8:
                let id = try office.replica.write { try $0.addClient(NewClient(name: "Client \(newWord())")) }
                return "adds client \(short(id.description))"
            case 0..<20:
                guard let client = any(clients) else { return "has no client to rename" }
                let name = "Client \(newWord())"
                try office.replica.write { try $0.editClient(ClientID(client)!, ClientEdit(name: name)) }
                return "renames client \(short(client))"
            case 20..<27:
                guard let client = any(clients), let user = any(staff) else { return "has no client to assign" }
                try office.replica.write { try $0.assign(ClientID(client)!, to: user) }
                return "assigns client \(short(client)) to \(short(user.description))"
            case 27..<37:
                guard let client = any(clients) else { return "has no client for a memo" }
                let text = (0..<3).map { _ in newWord() }.joined(separator: " ")
                let id = try office.replica.write { try $0.addMemo(to: ClientID(client)!, text: text) }
                words.edit(memo: id.description, client: client, base: nil, text: text)
                return "adds memo \(short(id.description)): \(text)"
            case 37..<55:
                guard let (memo, fields) = any(memos), case .text(let base)? = fields["text"], case .text(let client)? = fields["client_id"] else {
                    return "has no memo to edit"
                }
                let text = mutate(base)
                try office.replica.write { try $0.editMemo(MemoID(memo)!, text: text) }
                words.edit(memo: memo, client: client, base: base, text: text)
                return "edits memo \(short(memo)): \(text)"
            case 55..<59:
                guard let (memo, fields) = any(memos), case .text(let text)? = fields["text"] else { return "has no memo to delete" }
                try office.replica.write { try $0.deleteMemo(MemoID(memo)!) }
                words.delete(text: text)
                return "deletes memo \(short(memo))"
            case 59..<69:
                guard let client = any(clients) else { return "has no client to book" }
                let (start, end) = slot()
                let staffMember = random.next() % 2 == 0 ? any(staff) : nil
                let room = random.next() % 2 == 0 ? any(rooms) : nil
                let id = try office.replica.write { writer in
                    let id = try writer.addSchedule(for: ClientID(client)!, start: start, end: end, staff: staffMember, room: room)
                    if self.random.next() % 2 == 0 { _ = try writer.addLedgerEntry(client: ClientID(client)!, kind: .deduction, amount: 10_000, schedule: id) }
                    return id
                }
                return "books schedule \(short(id.description)) at \(start)"
            case 69..<77:
                guard let schedule = any(schedules) else { return "has no schedule to change" }
                let edit: ScheduleEdit
                switch random.next() % 3 {
                case 0: edit = ScheduleEdit(room: any(rooms) ?? "")
                case 1: edit = ScheduleEdit(staffID: any(staff))
                default:
                    let (start, end) = slot()
                    edit = ScheduleEdit(start: start, end: end)
                }
                try office.replica.write { try $0.editSchedule(ScheduleID(schedule)!, edit) }
                return "changes schedule \(short(schedule))"
            case 77..<81:
                guard let schedule = any(schedules) else { return "has no schedule to delete" }
                try office.replica.write { try $0.deleteSchedule(ScheduleID(schedule)!) }
                return "deletes schedule \(short(schedule))"
            case 81..<87:
                guard let client = any(clients) else { return "has no client to charge" }
                let kind: LedgerEntry.Kind = random.next() % 2 == 0 ? .payment : .deduction
                _ = try office.replica.write { try $0.addLedgerEntry(client: ClientID(client)!, kind: kind, amount: Int64(1 + random.next() % 5) * 10_000) }
                return "records a \(kind.rawValue) for \(short(client))"
            case 87..<93:
                guard let client = any(clients) else { return "has no client to tag" }
                let tag = any(["vip", "late-payer", "sibling"])!
                if random.next() % 2 == 0 {
                    try office.replica.write { try $0.addTag(tag, to: ClientID(client)!) }
                    return "tags \(short(client)) \(tag)"
                }
                try office.replica.write { try $0.removeTag(tag, from: ClientID(client)!) }
                return "untags \(short(client)) \(tag)"
            case 93..<97:
                guard let client = any(clients) else { return "has no client to archive" }
                if random.next() % 2 == 0 {
                    try office.replica.write { try $0.archiveClient(ClientID(client)!, reason: "moved") }
                    return "archives \(short(client))"
                }
                try office.replica.write { try $0.unarchiveClient(ClientID(client)!) }
                return "unarchives \(short(client))"
            default:
                guard let client = any(clients), random.next() % 3 == 0 else { return "thinks about deleting a client" }
                try office.replica.write { try $0.deleteClient(ClientID(client)!) }
                return "deletes client \(short(client))"
            }
        } catch let error as ReplicaError {
            return "is refused locally: \(error)"
        } catch let error as ModelError {
            return "is refused locally: \(error)"
        }
    }

    /// Dozens of clients at once (an import, a busy week), assigned as the office's user
    /// may assign them: a manager to themselves or nobody.
    private func addClients(_ office: Office) throws -> String {
        let count = 20 + Int(random.next() % 41)
        let me = UserID(office.author.userID)
        let ids = try office.replica.write { writer in
            try (0..<count).map { _ in
                let assignee: UserID? = switch (office.author.role, random.next() % 3) {
                case (_, 0): nil
                case ("manager", _): me
                default: staff[Int(random.next() % UInt64(staff.count))]
                }
                return try writer.addClient(NewClient(name: "Client \(newWord())", assigneeID: assignee))
            }
        }
        return "adds \(ids.count) clients at once"
    }

    /// A memo edit: insert, remove or replace one word.
    private func mutate(_ text: String) -> String {
        var parts = MemoWords.words(text)
        let position = parts.isEmpty ? 0 : Int(random.next() % UInt64(parts.count))
        switch (random.next() % 3, parts.isEmpty) {
        case (0, false): parts.remove(at: position)
        case (1, false): parts[position] = newWord()
        default: parts.insert(newWord(), at: parts.isEmpty ? 0 : Int(random.next() % UInt64(parts.count + 1)))
        }
        return parts.isEmpty ? newWord() : parts.joined(separator: " ")
    }

    /// An hour on one of two mornings, so bookings often overlap.
    private func slot() -> (Timestamp, Timestamp) {
        let day: Int64 = 1_796_000_000_000 + Int64(random.next() % 2) * 86_400_000
        let start = day + Int64(random.next() % 4) * 1_800_000
        return (Timestamp(unixMillis: start), Timestamp(unixMillis: start + 3_600_000))
    }

    func short(_ id: String) -> String { String(id.suffix(6)) }
}
