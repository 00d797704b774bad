import LocalReplica
import SyncCore
import ServerStore

extension Simulation {
    /// The promises after the quiesce: every replica holds exactly the server's rows its
    /// user may see, every change the server acknowledged is in its log once, every word
    /// anyone typed into a memo survives (in a memo, a conflict record, or a refused change
    /// kept at the office that typed it).
    func check(_ storage: SQLiteSyncStorage) throws -> [String] {
        var failures: [String] = []
        let audit = try storage.audit()
        var recorded: [String: String] = [:]
        for office in offices {
            let rows = try office.replica.replicatedRows()
            for rejected in try office.replica.rejectedChanges() { recorded[rejected.entityId, default: ""] += " \(rejected.value ?? "")" }
            let visible = try storage.audit(visibleTo: office.author)
            for (entity, serverRows) in visible.rows {
                let local = rows[entity] ?? [:]
                for id in Set(serverRows.keys).union(local.keys).sorted() where serverRows[id] != local[id] {
                    failures.append("office\(office.index) diverges on \(entity) \(id): replica \(describe(local[id])), server \(describe(serverRows[id]))")
                }
            }
            if try !office.replica.searchIndexIsInStep() { failures.append("office\(office.index) search index out of step with its cards") }
            let status = try office.replica.status()
            let written = try office.replica.lastWrittenSeq()
            if status.pending != 0 { failures.append("office\(office.index) still has \(status.pending) changes pending") }
            if audit.appliedSeq[office.replica.siteID.description, default: 0] != written {
                failures.append("office\(office.index) wrote \(written) changes; the server applied \(audit.appliedSeq[office.replica.siteID.description, default: 0])")
            }
        }
        failures += audit.duplicatedChanges.map { "change \($0) is in the server's log twice" }
        let memoText = (audit.rows["memo"] ?? [:]).compactMapValues { $0["text"]?.textValue }
        for conflict in (audit.rows["conflict"] ?? [:]).values {
            guard let id = conflict["entity_id"]?.textValue else { continue }
            recorded[id, default: ""] += " \(conflict["kept"]?.textValue ?? "") \(conflict["other"]?.textValue ?? "")"
        }
        let liveClients = Set((audit.rows["client"] ?? [:]).keys)
        let deleted = Set(words.inserted.values.map(\.client)).subtracting(liveClients)
        let lost = words.lost(memoText: memoText, recorded: recorded, deletedClients: deleted)
        if !lost.isEmpty { failures.append("memo words typed and lost: \(lost.joined(separator: " "))") }
        return failures
    }

    private func describe(_ fields: [String: FieldValue]?) -> String {
        guard let fields else { return "absent" }
        return "{" + fields.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + "}"
    }
}
