import Foundation
import GRDB
import SyncCore

/// A row read would answer more than ``SQLiteSyncStorage/rowsReplyLimit`` rows or
/// ``SQLiteSyncStorage/rowsReplyBytes`` bytes: the request asks for fewer keys.
public struct RowsReplyTooLarge: Error, Sendable, CustomStringConvertible {
    /// What was too large, with the limit.
    public let description: String
}

/// `POST /v1/rows`: the current version of some rows, read in one snapshot with the log
/// position. Each key is read once; a row the viewer may not see is reported as not
/// existing and never decoded; a client's children are read only in the scopes the viewer
/// may see; the reply is bounded.
extension SQLiteSyncStorage {
    /// The most rows one reply holds.
    public static let rowsReplyLimit = 20_000
    /// The most bytes of stored fields one reply holds.
    public static let rowsReplyBytes = 8 << 20

    public func rows(_ keys: [RowsRequest.Key], viewer: Viewer?) async throws -> RowsResponse {
        try await pool.read { db in try Self.rows(keys, viewer: viewer, db: db) }
    }

    /// `rows(_:viewer:)` without waiting (the simulation).
    public func rowsNow(_ keys: [RowsRequest.Key], viewer: Viewer?) throws -> RowsResponse {
        try pool.read { db in try Self.rows(keys, viewer: viewer, db: db) }
    }

    /// Counts a reply's rows and bytes against the limits.
    private struct ReplyBudget {
        var rows = 0
        var bytes = 0

        mutating func take(_ fields: String) throws {
            rows += 1
            bytes += fields.utf8.count
            if rows > SQLiteSyncStorage.rowsReplyLimit {
                throw RowsReplyTooLarge(description: "the reply would hold more than \(SQLiteSyncStorage.rowsReplyLimit) rows; ask for fewer keys")
            }
            if bytes > SQLiteSyncStorage.rowsReplyBytes {
                throw RowsReplyTooLarge(description: "the reply would exceed \(SQLiteSyncStorage.rowsReplyBytes >> 20) MiB; ask for fewer keys")
            }
        }
    }

    private static func rows(_ keys: [RowsRequest.Key], viewer: Viewer?, db: Database) throws -> RowsResponse {
        let position = try Int64.fetchOne(db.cachedStatement(sql: "SELECT COALESCE(MAX(position), 0) FROM change_log")) ?? 0
        // Each key once, asking for children if any of its copies did.
        var order: [RowKey] = []
        var children: [RowKey: Bool] = [:]
        for key in keys {
            let rowKey = RowKey(key.e, key.r)
            if children[rowKey] == nil { order.append(rowKey) }
            children[rowKey] = (children[rowKey] ?? false) || key.children == true
        }
        var budget = ReplyBudget()
        var clients: [String: RowState?] = [:]
        let statement = try db.cachedStatement(sql: "SELECT deleted, client_id, fields FROM record WHERE entity = ? AND row_id = ?")
        var rows: [RowsResponse.Row] = []
        for key in order {
            guard let row = try Row.fetchOne(statement, arguments: [key.entity, key.id]), !(row[0] as Bool),
                  try visible(key.entity, key.id, storedClient: row[1], to: viewer, clients: &clients, db: db) else {
                rows.append(RowsResponse.Row(e: key.entity, r: key.id, exists: false, f: nil))
                continue
            }
            let fields: String = row[2]
            try budget.take(fields)
            rows.append(RowsResponse.Row(e: key.entity, r: key.id, exists: true, f: try StoredFields.decode(fields).mapValues(\.value)))
        }
        // Children after every parent, parents' tables first.
        let tableOrder = Dictionary(uniqueKeysWithValues: ReplicatedSchema.entities.enumerated().map { ($1.kind.name, $0) })
        var found: [RowsResponse.Row] = []
        for key in order where children[key] == true && key.entity == EntityKind.client.name {
            let access = try access(ofClient: key.id, cache: &clients, db: db)
            let scopes = [Buckets.Scope.header, .details].filter { scope in viewer.map { Buckets.visible(scope, client: access, to: $0.author) } ?? true }
            guard !scopes.isEmpty else { continue }
            let cursor = try Row.fetchCursor(db.cachedStatement(sql: "SELECT entity, row_id, fields FROM record WHERE client_id = ? AND deleted = 0"), arguments: [key.id])
            while let row = try cursor.next() {
                let entity: String = row[0]
                // Visible scopes only; nothing else is decoded.
                guard scopes.contains(Buckets.place(entity: entity, rowID: row[1], fields: ["client_id": .text(key.id)]).scope) else { continue }
                let fields: String = row[2]
                try budget.take(fields)
                found.append(RowsResponse.Row(e: entity, r: row[1], exists: true, f: try StoredFields.decode(fields).mapValues(\.value)))
            }
        }
        rows += found.sorted { (tableOrder[$0.e] ?? 0, $0.r) < (tableOrder[$1.e] ?? 0, $1.r) }
        return RowsResponse(rows: rows, position: position)
    }

    /// Whether the viewer may see a row of `entity` whose stored client is `storedClient`
    /// (everything when there is no viewer).
    private static func visible(_ entity: String, _ id: String, storedClient: String?, to viewer: Viewer?, clients: inout [String: RowState?], db: Database) throws -> Bool {
        guard let viewer else { return true }
        let placed = Buckets.place(entity: entity, rowID: id, fields: ["client_id": storedClient.map(FieldValue.text) ?? .null])
        let client = try placed.client.flatMap { try access(ofClient: $0, cache: &clients, db: db) }
        return Buckets.visible(placed.scope, client: client, to: viewer.author)
    }
}
