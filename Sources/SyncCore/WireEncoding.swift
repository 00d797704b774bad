/// Hand-written JSON for the protocol's high-volume bodies — a change as the server's log
/// stores it and pulls return it, and a push reply — in the shapes `JSONEncoder` gives
/// ``WireChange`` and ``PushResponse``, without its per-object cost on the hot path.
/// (The client's pushes are assembled by SQLite from the outbox text; see
/// `Replica.pendingWireChanges`.)
public enum WireEncoding {
    /// `{"e":…,"r":…,"seq":…,"hlc":…,"site":…,"f":{…}}` (or `"d":1` for a deletion).
    public static func change(_ change: RowChange, site: String?) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(160 + change.fields.count * 40)
        append(change, site: site, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// A push reply, the shape `JSONEncoder` gives ``PushResponse``.
    public static func pushResponse(_ response: PushResponse) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(64 + response.acks.count * 48)
        out.append(contentsOf: #"{"acks":["#.utf8)
        for (index, ack) in response.acks.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: #"{"seq":"#.utf8)
            out.append(contentsOf: String(ack.seq).utf8)
            out.append(contentsOf: #","status":"#.utf8)
            JSONText.appendQuoted(ack.status.rawValue, to: &out)
            if let position = ack.position {
                out.append(contentsOf: #","position":"#.utf8)
                out.append(contentsOf: String(position).utf8)
            }
            for (key, value) in [("reason", ack.reason), ("detail", ack.detail)] {
                guard let value else { continue }
                out.append(contentsOf: ",\"\(key)\":".utf8)
                JSONText.appendQuoted(value, to: &out)
            }
            if let superseded = ack.superseded {
                out.append(contentsOf: #","superseded":"#.utf8)
                out.append(contentsOf: JSONText.array(superseded).utf8)
            }
            out.append(UInt8(ascii: "}"))
        }
        out.append(contentsOf: #"],"appliedThrough":"#.utf8)
        out.append(contentsOf: String(response.appliedThrough).utf8)
        out.append(contentsOf: #","serverTime":"#.utf8)
        out.append(contentsOf: String(response.serverTime).utf8)
        out.append(UInt8(ascii: "}"))
        return out
    }

    private static func append(_ change: RowChange, site: String?, to out: inout [UInt8]) {
        out.append(contentsOf: #"{"e":"#.utf8)
        JSONText.appendQuoted(change.entity.name, to: &out)
        out.append(contentsOf: #","r":"#.utf8)
        JSONText.appendQuoted(change.rowID, to: &out)
        out.append(contentsOf: #","seq":"#.utf8)
        out.append(contentsOf: String(change.seq).utf8)
        out.append(contentsOf: #","hlc":"#.utf8)
        out.append(contentsOf: String(change.hlc.packed).utf8)
        if let site {
            out.append(contentsOf: #","site":"#.utf8)
            JSONText.appendQuoted(site, to: &out)
        }
        if change.operation == .delete {
            out.append(contentsOf: #","d":1}"#.utf8)
            return
        }
        out.append(contentsOf: #","f":"#.utf8)
        appendObject(change.fields, to: &out)
        out.append(UInt8(ascii: "}"))
    }

    /// Writes fields as one JSON object, in the order given.
    static func appendObject(_ fields: [FieldAssignment], to out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        for (index, assignment) in fields.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            JSONText.appendQuoted(assignment.field, to: &out)
            out.append(UInt8(ascii: ":"))
            switch assignment.value {
            case .null: out.append(contentsOf: "null".utf8)
            case .integer(let value): out.append(contentsOf: String(value).utf8)
            case .text(let value): JSONText.appendQuoted(value, to: &out)
            }
        }
        out.append(UInt8(ascii: "}"))
    }
}
