/// Hand-written JSON for the protocol's high-volume bodies: a change as the log stores it
/// and pulls return it, and a push request. The same shape `JSONEncoder` gives
/// ``WireChange`` and ``PushRequest``, without its per-object cost on the hot path.
public enum WireEncoding {
    /// `{"e":…,"r":…,"seq":…,"hlc":…,"site":…,"f":{…}}` (or `"d":1` for a deletion).
    public static func change(_ change: RowChange, site: String?) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(160 + change.fields.count * 40)
        append(change, site: site, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// `{"site":…,"changes":[…]}`.
    public static func pushRequest(site: String, changes: [RowChange]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(64 + changes.count * 200)
        out.append(contentsOf: #"{"site":"#.utf8)
        JSONText.appendQuoted(site, to: &out)
        out.append(contentsOf: #","changes":["#.utf8)
        for (index, change) in changes.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            append(change, site: nil, to: &out)
        }
        out.append(contentsOf: "]}".utf8)
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
        out.append(contentsOf: #","f":{"#.utf8)
        for (index, assignment) in change.fields.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            JSONText.appendQuoted(assignment.field, to: &out)
            out.append(UInt8(ascii: ":"))
            switch assignment.value {
            case .null: out.append(contentsOf: "null".utf8)
            case .integer(let value): out.append(contentsOf: String(value).utf8)
            case .text(let value): JSONText.appendQuoted(value, to: &out)
            }
        }
        out.append(contentsOf: "}}".utf8)
    }
}
