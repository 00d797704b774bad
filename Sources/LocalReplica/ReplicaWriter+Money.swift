import CRMModel
import SyncCore

extension ReplicaWriter {
    /// Adds an entry to a client's ledger. Entries are never changed or deleted: undo a
    /// deduction with a release, a payment with a deduction.
    public mutating func addLedgerEntry(client: ClientID, kind: LedgerEntry.Kind, amount: Int64, schedule: ScheduleID? = nil,
                                        note: String? = nil, author: UserID? = nil) throws -> LedgerEntryID {
        let entry = try LedgerEntry(id: newID(), kind: kind, amount: amount)
        let note = try note.map { note throws(ModelError) in try Text.limited(note, field: "ledger.note", limit: 500, multiline: true) }
        if let schedule { try require(.schedule, schedule.description) }
        let clientText = client.description
        try refersTo(.client, clientText) { writer in
            try writer.insert(.ledgerEntry, id: entry.id.description, [
                .text(clientText), .text(kind.rawValue), .integer(amount), schedule.map { .text($0.description) } ?? .null,
                author.map { .text($0.description) } ?? .null, note.map(FieldValue.text) ?? .null, .text(writer.now.description),
            ])
        }
        return entry.id
    }
}
