import Foundation

/// The JSON form of one write transaction's changes, as the replica's outbox stores it
/// and as a report script reads it through `json_each` (or the `outbox_change` view):
///
/// ```json
/// [{"e":"client","r":"0192…","f":{"name":"Kim","dormant":0}},{"e":"memo","r":"0192…","d":1}]
/// ```
///
/// `e` is the entity (table), `r` the row id, `f` the fields set, `d` marks a deletion.
/// The changes' sequence numbers run from the batch's first one in array order, and they
/// share the batch's HLC timestamp: a transaction happens at one instant.
///
/// Encoding goes through ``ChangeBatchWriter``, which the replica also uses directly on its
/// write path; decoding uses `JSONDecoder`, since it runs only when changes are read back.
public enum ChangeBatchCodec {
    /// Encodes changes as a JSON array; their own `seq` and `hlc` are not written.
    public static func encode(_ changes: [RowChange]) -> String {
        var writer = ChangeBatchWriter()
        for change in changes {
            writer.beginChange(entity: .init(change.entity), row: change.rowID, operation: change.operation)
            for assignment in change.fields { writer.field(.init(assignment.field), assignment.value) }
            writer.endChange()
        }
        return writer.finish()
    }

    /// Decodes a batch, numbering its changes from `firstSeq` and stamping them with `hlc`.
    public static func decode(_ json: String, firstSeq: Int64, hlc: HLCTimestamp) throws -> [RowChange] {
        let wire = try JSONDecoder().decode([OutboxEntry].self, from: Data(json.utf8))
        return wire.enumerated().map { index, change in
            RowChange(seq: firstSeq + Int64(index), hlc: hlc, entity: EntityKind(change.e), rowID: change.r,
                      operation: change.d == 1 ? .delete : .set, fields: change.f?.assignments ?? [])
        }
    }
}

extension ChangeBatchCodec {
    /// Decodes one element of a batch (a JSON object), with its sequence number and HLC.
    public static func decodeOne(_ json: String, seq: Int64, hlc: HLCTimestamp) throws -> RowChange {
        let change = try JSONDecoder().decode(OutboxEntry.self, from: Data(json.utf8))
        return RowChange(seq: seq, hlc: hlc, entity: EntityKind(change.e), rowID: change.r,
                         operation: change.d == 1 ? .delete : .set, fields: change.f?.assignments ?? [])
    }
}

/// The Codable mirror of one encoded change.
private struct OutboxEntry: Decodable {
    let e: String
    let r: String
    let f: OrderedFields?
    let d: Int?
}

/// A JSON object decoded into assignments sorted by field name (a JSON object has no order).
private struct OrderedFields: Decodable {
    let assignments: [FieldAssignment]

    struct Key: CodingKey {
        let stringValue: String
        init?(stringValue: String) { self.stringValue = stringValue }
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        assignments = try container.allKeys.sorted { $0.stringValue < $1.stringValue }.map { key in
            FieldAssignment(key.stringValue, try container.decode(FieldValue.self, forKey: key))
        }
    }
}
