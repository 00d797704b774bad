import SyncCore

/// A row read would answer more than ``RowReads/rowLimit`` rows or ``RowReads/byteLimit``
/// bytes: the request asks for fewer keys.
public struct RowsReplyTooLarge: Error, Sendable, CustomStringConvertible {
    /// What was too large, with the limit.
    public let description: String
}

/// `POST /v1/rows` by the server's rules over any ``ViewStore``: the current version of
/// some rows, read in one snapshot with the log position. Each key is read once; a row the
/// viewer may not see is reported as not existing and never decoded; a client's children
/// are read only in the scopes the viewer may see; the reply is bounded.
public enum RowReads {
    /// The most rows one reply holds.
    public static let rowLimit = 20_000
    /// The most bytes of stored fields one reply holds.
    public static let byteLimit = 8 << 20

    /// Counts a reply's rows and bytes against the limits.
    private struct Budget {
        var rows = 0
        var bytes = 0

        mutating func take(_ fields: String) throws {
            rows += 1
            bytes += fields.utf8.count
            if rows > RowReads.rowLimit {
                throw RowsReplyTooLarge(description: "the reply would hold more than \(RowReads.rowLimit) rows; ask for fewer keys")
            }
            if bytes > RowReads.byteLimit {
                throw RowsReplyTooLarge(description: "the reply would exceed \(RowReads.byteLimit >> 20) MiB; ask for fewer keys")
            }
        }
    }

    package static func rows(_ keys: [RowsRequest.Key], viewer: Viewer?, store: some ViewStore) throws -> RowsResponse {
        let position = try store.logHead()
        // Each key once, asking for children if any of its copies did.
        var order: [RowKey] = []
        var children: [RowKey: Bool] = [:]
        for key in keys {
            let rowKey = RowKey(key.e, key.r)
            if children[rowKey] == nil { order.append(rowKey) }
            children[rowKey] = (children[rowKey] ?? false) || key.children == true
        }
        var budget = Budget()
        var access = AccessCache()
        let stored = try store.storedRows(order)
        var rows: [RowsResponse.Row] = []
        for key in order {
            guard let row = stored[key], !row.deleted,
                  try visible(key, storedClient: row.client, to: viewer, access: &access, store: store) else {
                rows.append(RowsResponse.Row(e: key.entity, r: key.id, exists: false, f: nil))
                continue
            }
            try budget.take(row.fields)
            rows.append(RowsResponse.Row(e: key.entity, r: key.id, exists: true, f: try StoredFields.decode(row.fields).mapValues(\.value)))
        }
        // Children after every parent, parents' tables first.
        let tableOrder = ReplicatedSchema.tableOrder
        var found: [RowsResponse.Row] = []
        for key in order where children[key] == true && key.entity == EntityKind.client.name {
            let client = try access.state(of: key.id, store: store)
            let scopes = [Buckets.Scope.header, .details].filter { scope in viewer.map { Buckets.visible(scope, client: client, to: $0.author) } ?? true }
            guard !scopes.isEmpty else { continue }
            for (child, fields) in try store.liveRows(ofClient: key.id) {
                // Visible scopes only; nothing else is decoded.
                guard scopes.contains(Buckets.place(entity: child.entity, rowID: child.id, fields: ["client_id": .text(key.id)]).scope) else { continue }
                try budget.take(fields)
                found.append(RowsResponse.Row(e: child.entity, r: child.id, exists: true, f: try StoredFields.decode(fields).mapValues(\.value)))
            }
        }
        rows += found.sorted { (tableOrder[$0.e] ?? 0, $0.r) < (tableOrder[$1.e] ?? 0, $1.r) }
        return RowsResponse(rows: rows, position: position)
    }

    /// Whether the viewer may see a row whose stored client is `storedClient` (everything
    /// when there is no viewer).
    private static func visible(_ key: RowKey, storedClient: String?, to viewer: Viewer?, access: inout AccessCache, store: some ViewStore) throws -> Bool {
        guard let viewer else { return true }
        let placed = Buckets.place(entity: key.entity, rowID: key.id, fields: ["client_id": storedClient.map(FieldValue.text) ?? .null])
        return Buckets.visible(placed.scope, client: try access.state(of: placed.client, store: store), to: viewer.author)
    }

    /// Whether `author` may hold a row of `entity` with `fields` now, its conflict record's
    /// client looked up when the record does not name it.
    static func visible(entity: String, id: String, fields: [String: FieldValue], to author: Permissions.Author,
                        access: inout AccessCache, store: some ViewStore) throws -> Bool {
        var fields = fields
        if entity == EntityKind.conflict.name, fields["client_id"]?.textValue == nil, let about = fields["entity"]?.textValue, let aboutID = fields["entity_id"]?.textValue {
            fields["client_id"] = about == EntityKind.client.name ? .text(aboutID)
                : try store.rows([RowKey(about, aboutID)])[RowKey(about, aboutID)]?.fields["client_id"]?.value
        }
        let placed = Buckets.place(entity: entity, rowID: id, fields: fields)
        return Buckets.visible(placed.scope, client: try access.state(of: placed.client, store: store), to: author)
    }
}
