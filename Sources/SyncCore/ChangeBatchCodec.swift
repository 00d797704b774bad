import Foundation

/// The JSON form of a list of changes, as the replica's outbox stores it (one text per
/// write transaction) and as a report script reads it through `json_each`:
///
/// ```json
/// [{"seq":1,"hlc":111862...,"entity":"client","row":"0192...","op":"set","fields":{"name":"Kim","dormant":0}}]
/// ```
///
/// Encoding is hand-written because it sits on the write path of every user edit; decoding
/// uses `JSONDecoder`, since it runs only when changes are read back (push, tests).
public enum ChangeBatchCodec {
    /// Encodes changes as a JSON array.
    public static func encode(_ changes: [RowChange]) -> String {
        var out = [UInt8]()
        out.reserveCapacity(changes.count * 160)
        out.append(UInt8(ascii: "["))
        for (index, change) in changes.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            append(#"{"seq":"#, to: &out)
            append(String(change.seq), to: &out)
            append(#","hlc":"#, to: &out)
            append(String(change.hlc.packed), to: &out)
            append(#","entity":"#, to: &out)
            JSONText.appendQuoted(change.entity.name, to: &out)
            append(#","row":"#, to: &out)
            JSONText.appendQuoted(change.rowID, to: &out)
            append(#","op":""#, to: &out)
            append(change.operation.rawValue, to: &out)
            append(#"","fields":{"#, to: &out)
            for (fieldIndex, assignment) in change.fields.enumerated() {
                if fieldIndex > 0 { out.append(UInt8(ascii: ",")) }
                JSONText.appendQuoted(assignment.field, to: &out)
                out.append(UInt8(ascii: ":"))
                switch assignment.value {
                case .null: append("null", to: &out)
                case .integer(let value): append(String(value), to: &out)
                case .text(let value): JSONText.appendQuoted(value, to: &out)
                }
            }
            append("}}", to: &out)
        }
        out.append(UInt8(ascii: "]"))
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes what ``encode(_:)`` produced.
    public static func decode(_ json: String) throws -> [RowChange] {
        try JSONDecoder().decode([WireChange].self, from: Data(json.utf8)).map(\.change)
    }

    private static func append(_ text: String, to out: inout [UInt8]) {
        out.append(contentsOf: text.utf8)
    }
}

/// The Codable mirror of one encoded change.
private struct WireChange: Decodable {
    let seq: Int64
    let hlc: Int64
    let entity: String
    let row: String
    let op: RowChange.Operation
    let fields: OrderedFields

    var change: RowChange {
        RowChange(seq: seq, hlc: HLCTimestamp(packed: hlc), entity: EntityKind(entity), rowID: row, operation: op, fields: fields.assignments)
    }
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
