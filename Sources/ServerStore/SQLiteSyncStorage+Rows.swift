import GRDB
import SyncCore

/// `POST /v1/rows` on the SQLite store: ``RowReads`` in one read transaction.
extension SQLiteSyncStorage {
    public func rows(_ keys: [RowsRequest.Key], viewer: Viewer?) async throws -> RowsResponse {
        try await pool.read { db in try RowReads.rows(keys, viewer: viewer, store: SQLiteRecords(db: db)) }
    }

    /// `rows(_:viewer:)` without waiting (the simulation).
    public func rowsNow(_ keys: [RowsRequest.Key], viewer: Viewer?) throws -> RowsResponse {
        try pool.read { db in try RowReads.rows(keys, viewer: viewer, store: SQLiteRecords(db: db)) }
    }
}
