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
        /// `forbidden_entity` or `forbidden_role`.
        public var reason: String
        /// What was refused and why.
        public var detail: String
    }

    /// Entities only executives change: the organisation itself.
    static let organisation: Set<String> = ["branch", "staff_user", "custom_field", "room", "course"]

    /// Checks `change` by `author`. `existing` is the row's server state (nil for a new row);
    /// `client` the state of the client the row belongs to (the row itself for a client).
    public static func check(_ change: RowChange, by author: Author, existing: RowState?, client: RowState?) -> Refusal? {
        if author.role == "executive" { return nil }
        let key = "\(change.entity.name) \(change.rowID)"
        if organisation.contains(change.entity.name) {
            return Refusal(reason: "forbidden_entity", detail: "\(key): only executives change the organisation (\(change.entity.name))")
        }
        switch author.role {
        case "manager": return manager(change, author, key: key, existing: existing, client: client)
        default: return general(change, author, key: key, existing: existing, client: client)
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

    private static func manager(_ change: RowChange, _ author: Author, key: String, existing: RowState?, client: RowState?) -> Refusal? {
        if change.entity == .client {
            if change.operation == .delete {
                return Refusal(reason: "forbidden_delete", detail: "\(key): managers do not delete clients")
            }
            guard let existing else {
                // A new client: in the manager's branch, assigned to them or to nobody.
                let branch = change.value(of: "branch_id")?.textValue
                guard branch == author.branch else {
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
        guard let client else {
            // Rows that belong to no client (tasks of one's own, conflict resolutions).
            return nil
        }
        return seesDetails(of: client, by: author) ? nil : Refusal(reason: "forbidden_client", detail: "\(key): its client is not assigned to this manager")
    }

    private static func general(_ change: RowChange, _ author: Author, key: String, existing: RowState?, client: RowState?) -> Refusal? {
        // The front desk adds clients and books schedules in its branch; nothing else.
        let adds = existing == nil && change.operation == .set
        switch change.entity {
        case .client where adds:
            return change.value(of: "branch_id")?.textValue == author.branch ? nil
                : Refusal(reason: "forbidden_branch", detail: "\(key): the front desk adds clients to its own branch only")
        case .schedule where adds:
            return branch(of: client) == author.branch ? nil
                : Refusal(reason: "forbidden_branch", detail: "\(key): the front desk books clients of its own branch only")
        default:
            return Refusal(reason: "forbidden_role", detail: "\(key): general staff only add clients and schedules")
        }
    }
}
