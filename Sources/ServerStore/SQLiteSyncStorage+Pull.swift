import Foundation
import GRDB
import SyncCore

/// Pulls on the SQLite store: ``PullSteps`` over its connection, in a write transaction
/// when the site's holdings are tracked (a pull then records what it offered).
extension SQLiteSyncStorage {
    public func pull(after position: Int64, offer: Int64, limit: Int, viewer: Viewer?) async throws -> LogPage {
        if let viewer, let site = viewer.site, try await pool.read({ db in try PullSteps.tracksGrants(viewer, store: SQLiteRecords(db: db)) }) {
            return try await pool.write { db in
                try PullSteps.pull(after: position, limit: limit, viewer: viewer, site: site, offer: offer, store: SQLiteRecords(db: db))
            }
        }
        return try await pool.read { db in try PullSteps.pull(after: position, limit: limit, viewer: viewer, site: nil, offer: offer, store: SQLiteRecords(db: db)) }
    }

    /// `pull(after:offer:limit:viewer:)` without waiting (the simulation).
    public func pullNow(after position: Int64, offer: Int64, limit: Int, viewer: Viewer?) throws -> LogPage {
        try pool.write { db in
            let store = SQLiteRecords(db: db)
            let site = try viewer.flatMap { viewer in try PullSteps.tracksGrants(viewer, store: store) ? viewer.site : nil }
            return try PullSteps.pull(after: position, limit: limit, viewer: viewer, site: site, offer: offer, store: store)
        }
    }
}
