import GRDB
import SQLiteBinding
import SyncCore

/// The workstation refuses at once what its own user's role cannot do, with the reason the
/// server would give (``Permissions``, the same pure rules), instead of accepting the edit
/// and rolling it back at the next sync. The server still checks everything: this replica's
/// view may be stale, and a hostile client would skip this.
extension ReplicaWriter {
    /// The staff member whose rights this replica's writes are checked against: its user
    /// once the replica knows their role; `nil` for a standalone replica, a replica that has
    /// not learnt its user yet, and executives (nothing a workstation writes is refused them).
    static func localAuthor(_ db: Database) throws -> Permissions.Author? {
        guard let row = try Row.fetchOne(db, sql: """
            SELECT s.id, s.role, s.branch_id FROM replica_meta m JOIN staff_user s ON s.id = m.user_id WHERE m.id = 1 AND m.server_url IS NOT NULL
            """) else { return nil }
        let author = Permissions.Author(userID: row[0], role: row[1], branch: row[2])
        return author.role == "executive" ? nil : author
    }

    /// Throws the refusal the server would give `change` by ``localAuthor(_:)``, judged on
    /// this replica's rows.
    func authorise(_ change: RowChange, existing: [String: FieldValue]?) throws {
        guard let author else { return }
        let existingState = existing.map(Self.state)
        let fields = existing ?? Dictionary(change.fields.map { ($0.field, $0.value) }, uniquingKeysWith: { $1 })
        let clientID = ClientLink.client(ofEntity: change.entity.name, id: change.rowID, fields: fields, row: { key in
            guard let spec = RemoteApply.spec(key.entity), let row = try? self.values(spec, key.id) else { return nil }
            return Self.state(row)
        })
        let client: RowState? = try clientID.flatMap { id in
            if change.entity == .client { return existingState }
            return try values(.client, id).map(Self.state)
        }
        if let refusal = Permissions.check(change, by: author, existing: existingState, clientID: clientID, client: client) {
            throw ReplicaError(.forbidden, "refused (\(refusal.reason)): \(refusal.detail)")
        }
    }

    /// A row's replicated values by column, or `nil` when it is not here.
    func values(_ spec: TableSpec, _ id: String) throws -> [String: FieldValue]? {
        guard let row = try Row.fetchOne(db, sql: "SELECT \(SQLIdentifier.list(spec.columns)) FROM \(spec.sqlTable) WHERE id = ?", arguments: [id]) else {
            return nil
        }
        var fields: [String: FieldValue] = [:]
        for (index, column) in spec.columns.enumerated() { fields[column] = FieldValue.fromDatabaseValue(row[index]) ?? .null }
        return fields
    }

    private static func state(_ fields: [String: FieldValue]) -> RowState {
        RowState(deleted: false, fields: fields.mapValues { FieldState(value: $0, hlc: .zero, site: "") })
    }
}
