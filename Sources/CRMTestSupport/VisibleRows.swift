import LocalReplica
import SyncCore

/// What a staff member may hold, written out from DESIGN.md's permission table for tests,
/// independently of the server's bucket code: the organisation's rows; every card header
/// (the client, its tags and schedules) of their branch; the details (memos, journals,
/// money, enrolments, planned calls, tasks about the client, conflict records) of clients
/// of their branch assigned to them or to nobody, for a manager; everything, for an executive.
public enum VisibleRows {
    /// The rows of `all` (an executive's full replica) that `role` `user` of `branch` may hold.
    public static func expected(_ all: ReplicatedRows, role: String, user: String, branch: String?) -> ReplicatedRows {
        guard role != "executive" else { return all }
        let clients = all["client"] ?? [:]
        func seesHeader(_ client: String?) -> Bool {
            guard let client, let card = clients[client] else { return false }
            return card["branch_id"]?.textValue == branch
        }
        func seesDetails(_ client: String?) -> Bool {
            guard role == "manager", let client, let card = clients[client], seesHeader(client) else { return false }
            let assignee = card["assignee_id"]?.textValue
            return assignee == nil || assignee == user
        }
        var rows: ReplicatedRows = [:]
        for (table, tableRows) in all {
            switch table {
            case "client":
                rows[table] = tableRows.filter { seesHeader($0.key) }
            case "client_tag", "schedule":
                rows[table] = tableRows.filter { seesHeader($0.value["client_id"]?.textValue) }
            case "memo", "journal", "ledger_entry", "enrolment", "planned_call", "conflict":
                rows[table] = tableRows.filter { seesDetails($0.value["client_id"]?.textValue) }
            case "task":
                rows[table] = tableRows.filter { $0.value["client_id"]?.textValue == nil || seesDetails($0.value["client_id"]?.textValue) }
            default:
                rows[table] = tableRows
            }
        }
        return rows
    }

    /// The tables on which two row sets differ, each with the number of differing rows.
    public static func differences(_ actual: ReplicatedRows, _ expected: ReplicatedRows) -> [String] {
        Set(actual.keys).union(expected.keys).sorted().compactMap { table in
            let held = actual[table] ?? [:], allowed = expected[table] ?? [:]
            let differing = Set(held.keys).union(allowed.keys).filter { held[$0] != allowed[$0] }
            return differing.isEmpty ? nil : "\(table): \(differing.count) row(s) differ (held \(held.count), may see \(allowed.count))"
        }
    }
}
