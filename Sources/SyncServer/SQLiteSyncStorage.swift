import Foundation
import GRDB
import SyncCore

/// The embedded store: one SQLite file (WAL, synchronous=FULL, so an acknowledged push
/// survives a power cut). Rows are kept field by field with the version that set each
/// field; the global log holds every applied change in order.
public final class SQLiteSyncStorage: SyncStorage {
    let pool: DatabasePool

    /// Opens (creating if needed) the store at `path`.
    public init(path: String) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(30)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        pool = try DatabasePool(path: path, configuration: configuration)
        try Self.migrator.migrate(pool)
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-initial") { db in
            try db.execute(sql: """
                CREATE TABLE server_meta (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    site_id TEXT NOT NULL,
                    next_seq INTEGER NOT NULL DEFAULT 1
                );
                CREATE TABLE device (
                    id TEXT PRIMARY KEY NOT NULL,
                    user_id TEXT NOT NULL,
                    name TEXT NOT NULL,
                    token_hash TEXT NOT NULL UNIQUE,
                    created_at INTEGER NOT NULL,
                    revoked_at INTEGER
                );
                CREATE TABLE device_site (
                    site_id TEXT PRIMARY KEY NOT NULL,
                    device_id TEXT NOT NULL REFERENCES device (id)
                );
                CREATE TABLE site_state (
                    site_id TEXT PRIMARY KEY NOT NULL,
                    applied_seq INTEGER NOT NULL
                );
                CREATE TABLE row_state (
                    entity TEXT NOT NULL,
                    row_id TEXT NOT NULL,
                    deleted INTEGER NOT NULL DEFAULT 0,
                    PRIMARY KEY (entity, row_id)
                ) WITHOUT ROWID;
                CREATE TABLE field_state (
                    entity TEXT NOT NULL,
                    row_id TEXT NOT NULL,
                    field TEXT NOT NULL,
                    value,
                    hlc INTEGER NOT NULL,
                    site TEXT NOT NULL,
                    PRIMARY KEY (entity, row_id, field)
                ) WITHOUT ROWID;
                CREATE INDEX field_state_by_value ON field_state (field, value) WHERE field = 'client_id';
                CREATE TABLE change_log (
                    position INTEGER PRIMARY KEY AUTOINCREMENT,
                    site TEXT NOT NULL,
                    seq INTEGER NOT NULL,
                    wire TEXT NOT NULL,
                    created_at INTEGER NOT NULL
                );
                """)
            try db.execute(sql: "INSERT INTO server_meta (id, site_id) VALUES (1, ?)", arguments: [UUID().uuidString.lowercased()])
        }
        return migrator
    }
}

/// `FieldValue` in and out of SQLite (kept here, not as a conformance, so that the server
/// and the replica modules can share a process).
enum StoredValue {
    static func database(_ value: FieldValue) -> DatabaseValue {
        switch value {
        case .null: .null
        case .integer(let integer): integer.databaseValue
        case .text(let text): text.databaseValue
        }
    }

    static func field(_ value: DatabaseValue) -> FieldValue {
        switch value.storage {
        case .null: .null
        case .int64(let integer): .integer(integer)
        case .string(let text): .text(text)
        case .double(let double): .text(String(double))
        case .blob(let data): .text(String(decoding: data, as: UTF8.self))
        }
    }
}
