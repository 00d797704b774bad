import CRMModel

/// Rows the server creates by rule while it plans a push (conflict records, tasks), stamped
/// with the HLC of the change that caused them and written under the server's own site.
public struct DerivedRows: Sendable {
    /// The server's site id: derived rows are its changes.
    let serverSite: String
    /// The server's clock, for `created_at`.
    let now: Int64
    /// Staff member behind each site, for the authors of a conflict.
    let users: [String: String]
    /// The rows created so far, in order.
    public private(set) var changes: [RowChange] = []

    /// Creates an empty set of derived rows.
    public init(serverSite: String, now: Int64, users: [String: String]) {
        self.serverSite = serverSite
        self.now = now
        self.users = users
    }

    /// One side of a conflict: a value, the site that wrote it, and when.
    public struct Side: Sendable {
        /// The value, as text (JSON for several fields; `nil` for a deletion).
        public var value: FieldValue
        /// The site that wrote it.
        public var site: String
        /// Its stamp.
        public var hlc: HLCTimestamp

        /// Creates a side.
        public init(_ value: FieldValue, site: String, hlc: HLCTimestamp) {
            self.value = value
            self.site = site
            self.hlc = hlc
        }
    }

    /// Records a conflict about `row` (and `field`, when one field is concerned) of `client`:
    /// `kept` is what the row holds now, `other` what did not make it.
    public mutating func conflict(_ kind: ConflictKind, row: RowKey, client: String?, field: String?, kept: Side, other: Side, flagged: Bool = false,
                                  cause: (site: String, seq: Int64)) {
        let id = DerivedID.make("conflict", kind.rawValue, row.entity, row.id, field ?? "", cause.site, String(cause.seq))
        let fields: [FieldAssignment] = [
            FieldAssignment("entity", .text(row.entity)),
            FieldAssignment("entity_id", .text(row.id)),
            FieldAssignment("field", field.map(FieldValue.text) ?? .null),
            FieldAssignment("kind", .text(kind.rawValue)),
            FieldAssignment("kept", Self.text(kept.value)),
            FieldAssignment("other", Self.text(other.value)),
            FieldAssignment("kept_author_id", users[kept.site].map(FieldValue.text) ?? .null),
            FieldAssignment("other_author_id", users[other.site].map(FieldValue.text) ?? .null),
            FieldAssignment("kept_hlc", .integer(kept.hlc.packed)),
            FieldAssignment("other_hlc", .integer(other.hlc.packed)),
            FieldAssignment("flagged", .integer(flagged ? 1 : 0)),
            FieldAssignment("created_at", .text(Timestamp(unixMillis: now).description)),
            FieldAssignment("client_id", client.map(FieldValue.text) ?? .null),
        ]
        changes.append(RowChange(seq: 0, hlc: max(kept.hlc, other.hlc), entity: .conflict, rowID: id, operation: .set, fields: fields))
    }

    /// Creates a task of `kind` (tasks made by rule have no due date).
    public mutating func task(_ kind: TaskKind, title: String, assignee: String?, client: String?, branch: String?, detail: String?,
                              hlc: HLCTimestamp, cause: [String]) {
        let id = DerivedID.make(["task", kind.rawValue] + cause)
        let fields: [FieldAssignment] = [
            FieldAssignment("title", .text(String(title.prefix(500)))),
            FieldAssignment("assignee_id", assignee.map(FieldValue.text) ?? .null),
            FieldAssignment("client_id", client.map(FieldValue.text) ?? .null),
            FieldAssignment("kind", .text(kind.rawValue)),
            FieldAssignment("branch_id", branch.map(FieldValue.text) ?? .null),
            FieldAssignment("detail", detail.map { .text(String($0.prefix(2_000))) } ?? .null),
        ]
        changes.append(RowChange(seq: 0, hlc: hlc, entity: .task, rowID: id, operation: .set, fields: fields))
    }

    /// The text form of a value for a conflict record's `kept` and `other` columns.
    static func text(_ value: FieldValue) -> FieldValue {
        switch value {
        case .null: .null
        case .text: value
        case .integer(let number): .text(String(number))
        }
    }

    /// Several fields as one JSON object text, sorted by name.
    public static func json(_ fields: [FieldAssignment]) -> FieldValue {
        var bytes: [UInt8] = []
        WireEncoding.appendObject(fields.sorted { $0.field < $1.field }, to: &bytes)
        return .text(String(decoding: bytes, as: UTF8.self))
    }
}
