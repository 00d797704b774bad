/// Who may change what (the permission table of DESIGN.md), checked by the server for every
/// pushed change at apply time, against the author's role and the server's current rows.
/// Pure: the planner asks, the store supplies the rows.
public enum Permissions {
    /// The staff member behind a push.
    public struct Author: Sendable, Equatable {
        /// Their staff id.
        public var userID: String
        /// `executive`, `manager` or `general`.
        public var role: String
        /// Their branch, if any.
        public var branch: String?

        /// Creates an author.
        public init(userID: String, role: String, branch: String?) {
            self.userID = userID
            self.role = role
            self.branch = branch
        }
    }

    /// Why a change was refused: a reason code and a message naming the row.
    public struct Refusal: Sendable, Equatable {
        /// `forbidden_delete`, `forbidden_client`, `forbidden_branch`, `forbidden_field`,
        /// `forbidden_entity`, `forbidden_move` or `forbidden_role`.
        public var reason: String
        /// What was refused and why.
        public var detail: String
    }

    /// Checks `change` by `author` against the row as it is now and the client it belongs
    /// to (``ClientLink``): `existing` is the row's server state (nil for a new row),
    /// `clientID` the client the row belongs to (the row itself for a client; the one it
    /// names for a new row) and `client` that client's state (nil when the server has none).
    public static func check(_ change: RowChange, by author: Author, existing: RowState?, clientID: String?, client: RowState?) -> Refusal? {
        let key = "\(change.entity.name) \(change.rowID)"
        guard let link = ClientLink.of(change.entity.name) else {
            return Refusal(reason: "forbidden_entity", detail: "\(key): \(change.entity.name) is not a replicated table")
        }
        // Rules for everyone, executives too.
        switch link {
        case .child:
            if let existing, let moved = change.value(of: "client_id"), moved != existing.fields["client_id"]?.value ?? .null {
                return Refusal(reason: "forbidden_move", detail: "\(key).client_id: a \(change.entity.name) stays with the client it was made for")
            }
        case .conflictRecord:
            guard existing != nil, change.operation == .set else {
                return Refusal(reason: "forbidden_entity", detail: "\(key): conflict records are made by the server; resolve them instead")
            }
            if let field = change.fields.first(where: { !ClientLink.conflictResolutionFields.contains($0.field) }) {
                return Refusal(reason: "forbidden_field", detail: "\(key).\(field.field): only a conflict record's resolution is changed")
            }
        case .organisation, .client:
            break
        }
        if author.role == "executive" { return nil }
        switch (link, author.role) {
        case (.organisation, _):
            return Refusal(reason: "forbidden_entity", detail: "\(key): only executives change the organisation (\(change.entity.name))")
        case (.client, "manager"):
            return managerOnClient(change, author, key: key, existing: existing)
        case (.client, _):
            return existing == nil && change.operation == .set && change.value(of: "branch_id")?.textValue == author.branch ? nil
                : Refusal(reason: existing == nil ? "forbidden_branch" : "forbidden_role",
                          detail: existing == nil ? "\(key): the front desk adds clients to its own branch only" : "\(key): general staff only add clients and schedules")
        case (.child(_, let optional), "manager"):
            if clientID == nil && optional { return nil }   // a task about no client
            guard let client, seesDetails(of: client, by: author) else {
                return Refusal(reason: "forbidden_client", detail: "\(key): its client is not assigned to this manager")
            }
            return nil
        case (.conflictRecord, "manager"):
            guard let client, seesDetails(of: client, by: author) else {
                return Refusal(reason: "forbidden_client", detail: "\(key): the conflict is about a client not assigned to this manager")
            }
            return nil
        case (.child, _) where change.entity == .schedule && existing == nil && change.operation == .set:
            // The front desk books clients of its branch.
            return client.map { branch(of: $0) == author.branch } == true ? nil
                : Refusal(reason: "forbidden_branch", detail: "\(key): the front desk books clients of its own branch only")
        default:
            return Refusal(reason: "forbidden_role", detail: "\(key): general staff only add clients and schedules")
        }
    }

    /// Whether `author` sees `client` in full: an executive always; a manager when the client
    /// is of their branch and assigned to them or to nobody.
    public static func seesDetails(of client: RowState, by author: Author) -> Bool {
        switch author.role {
        case "executive": return true
        case "manager":
            let assignee = client.fields["assignee_id"]?.value.textValue
            return branch(of: client) == author.branch && (assignee == nil || assignee == author.userID)
        default: return false
        }
    }

    private static func branch(of client: RowState?) -> String? { client?.fields["branch_id"]?.value.textValue }

    /// A manager's change of a client card: adds to their branch (assigned to them or to
    /// nobody), edits cards they see in full, never deletes, never moves between branches.
    private static func managerOnClient(_ change: RowChange, _ author: Author, key: String, existing: RowState?) -> Refusal? {
        if change.operation == .delete {
            return Refusal(reason: "forbidden_delete", detail: "\(key): managers do not delete clients")
        }
        guard let existing else {
            guard change.value(of: "branch_id")?.textValue == author.branch else {
                return Refusal(reason: "forbidden_branch", detail: "\(key): a manager adds clients to their own branch only")
            }
            if let assignee = change.value(of: "assignee_id")?.textValue, assignee != author.userID {
                return Refusal(reason: "forbidden_field", detail: "\(key): a manager's new client is assigned to that manager")
            }
            return nil
        }
        guard seesDetails(of: existing, by: author) else {
            return Refusal(reason: "forbidden_client", detail: "\(key): not assigned to this manager")
        }
        if let branch = change.value(of: "branch_id"), branch != existing.fields["branch_id"]?.value ?? .null {
            return Refusal(reason: "forbidden_field", detail: "\(key).branch_id: only executives move clients between branches")
        }
        return nil
    }
}
