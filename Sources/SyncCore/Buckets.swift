/// Where a row belongs for partial replication (DESIGN.md principle 6): the organisation
/// (everyone), a client's card header (name, contacts, tags, schedules: every staff member
/// of the client's branch), or a client's details (memos, journals, money, enrolments,
/// planned calls, client tasks, conflict records: those who see the client in full).
public enum Buckets {
    /// The part of the data a row belongs to.
    public enum Scope: String, Sendable, Codable {
        /// Branches, staff, custom fields, rooms, classes, tasks about no client.
        case org
        /// A client's card header.
        case header
        /// A client's details.
        case details
    }

    /// The scope of a row of `entity` and the client it belongs to (for a client row, the
    /// client itself). `fields` are the row's values (a conflict row's client comes from
    /// the store, which knows the row it is about).
    public static func place(entity: String, rowID: String, fields: [String: FieldValue]) -> (scope: Scope, client: String?) {
        switch ClientLink.of(entity) {
        case .client?: return (.header, rowID)
        case .child(let scope, let optional)?:
            let client = fields["client_id"]?.textValue
            return (client == nil && optional ? .org : scope, client)
        case .conflictRecord?: return (.details, fields["client_id"]?.textValue)
        case .organisation?: return (.org, nil)
        case nil: return (.details, nil)   // not replicated: nobody but an executive
        }
    }

    /// Whether `author` may hold rows of `scope` of `client` (its current server state).
    public static func visible(_ scope: Scope, client: RowState?, to author: Permissions.Author) -> Bool {
        if author.role == "executive" { return true }
        switch scope {
        case .org: return true
        case .header: return client.map { $0.fields["branch_id"]?.value.textValue == author.branch } ?? false
        case .details: return client.map { Permissions.seesDetails(of: $0, by: author) } ?? false
        }
    }

    /// Entities whose rows a revoke of `scope` removes from a replica.
    public static func entities(of scope: Scope) -> [String] {
        switch scope {
        case .org: return []
        case .header: return [EntityKind.client.name]
        case .details:
            return ReplicatedSchema.entities.map(\.kind.name).filter {
                if case .child(.details, _)? = ClientLink.of($0) { return true }
                return false
            }
        }
    }
}

/// A bucket a replica must purge: the rows of `scope` of one client.
public struct Revoke: Codable, Sendable, Hashable {
    /// The client.
    public var client: String
    /// `header` (the whole card) or `details`.
    public var scope: Buckets.Scope

    /// Creates a revoke.
    public init(client: String, scope: Buckets.Scope) {
        self.client = client
        self.scope = scope
    }
}
