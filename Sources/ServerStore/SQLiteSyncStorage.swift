import CRMModel
import Foundation
import GRDB
import SQLiteBinding
import SyncCore

/// The embedded store: one SQLite file (WAL, synchronous=FULL, so an acknowledged push
/// survives a power cut). Each record is one row holding every field with the version that
/// set it; the global log holds every applied change in order.
public final class SQLiteSyncStorage: SyncStorage {
    let pool: DatabasePool
    /// Makes the ids of rows the admin commands create.
    let ids: UUIDv7Generator
    /// Switches for the conflict rules (the simulation's negative control breaks one).
    public let rules: PushPlanner.Rules

    /// Opens (creating if needed) the store at `path`. `ids` and `rules` are for tests and
    /// the simulation: a seeded id generator, a deliberately broken rule.
    public init(path: String, ids: UUIDv7Generator = UUIDv7Generator(), rules: PushPlanner.Rules = .init()) throws {
        self.ids = ids
        self.rules = rules
        var configuration = Configuration()
        configuration.busyMode = .timeout(30)
        // The organisation's data: the store (and so its -wal and -shm) is the owner's alone.
        try PrivateFile.ensure(path)
        pool = try DatabasePool(path: path, configuration: configuration)
        // GRDB sets synchronous=NORMAL on a pool's connections after prepareDatabase; the
        // writer, which commits every push, must sync each commit (docs/durability.md).
        try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        try Self.migrator.migrate(pool)
        try pool.write { db in try Self.stampConflictClients(db: db, now: Int64(Date().timeIntervalSince1970 * 1000)) }
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
                -- One row per replicated record: every field with the version that set it,
                -- as JSON {"name": {"v": value, "h": packed HLC, "s": site}, ...}, and the
                -- client it belongs to, for cascades.
                CREATE TABLE record (
                    entity TEXT NOT NULL,
                    row_id TEXT NOT NULL,
                    deleted INTEGER NOT NULL DEFAULT 0,
                    client_id TEXT,
                    fields TEXT NOT NULL,
                    PRIMARY KEY (entity, row_id)
                ) WITHOUT ROWID;
                CREATE INDEX record_by_client ON record (client_id) WHERE client_id IS NOT NULL;
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
        migrator.registerMigration("v2-bookings") { db in
            try db.execute(sql: """
                -- Scheduled bookings that can clash (a staff member, a defined room or a
                -- class), kept beside the records so the booking rules find overlaps by index.
                CREATE TABLE booking (
                    schedule_id TEXT PRIMARY KEY NOT NULL,
                    client_id TEXT NOT NULL,
                    starts_at TEXT NOT NULL,
                    ends_at TEXT NOT NULL,
                    staff_id TEXT,
                    room_id TEXT,
                    course_id TEXT
                ) WITHOUT ROWID;
                CREATE INDEX booking_by_staff ON booking (staff_id, starts_at) WHERE staff_id IS NOT NULL;
                CREATE INDEX booking_by_room ON booking (room_id, starts_at) WHERE room_id IS NOT NULL;
                CREATE INDEX booking_by_course ON booking (course_id, starts_at) WHERE course_id IS NOT NULL;
                """)
        }
        migrator.registerMigration("v3-refused-changes") { db in
            try db.execute(sql: """
                -- The audit of pushed changes the server refused (permissions, validation),
                -- for executives: crm-server admin rejected.
                CREATE TABLE refused_change (
                    id INTEGER PRIMARY KEY,
                    at INTEGER NOT NULL,
                    user_id TEXT,
                    site TEXT NOT NULL,
                    seq INTEGER NOT NULL,
                    entity TEXT NOT NULL,
                    row_id TEXT NOT NULL,
                    fields TEXT,
                    reason TEXT NOT NULL,
                    detail TEXT
                );
                """)
        }
        migrator.registerMigration("v4-buckets") { db in
            try db.execute(sql: """
                -- Each log entry's bucket: pulls are filtered to what each device may see.
                ALTER TABLE change_log ADD COLUMN scope TEXT;
                ALTER TABLE change_log ADD COLUMN client_id TEXT;
                -- The buckets each tracked replica holds, and the change offered to it.
                CREATE TABLE site_view (
                    site_id TEXT PRIMARY KEY NOT NULL,
                    pending_next INTEGER,
                    pending TEXT
                );
                CREATE TABLE site_grant (
                    site_id TEXT NOT NULL,
                    client_id TEXT NOT NULL,
                    scope TEXT NOT NULL,
                    PRIMARY KEY (site_id, client_id, scope)
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v5-holdings") { db in
            try db.execute(sql: """
                -- Log entries that changed who may see a client: 2 for its creation, 1 for a
                -- change of branch or assignee or its deletion. A pull re-examines only the
                -- clients with such entries since the site's last pull, and sends a bucket
                -- whole only when the site's cursor is not before the client's creation.
                ALTER TABLE change_log ADD COLUMN access INTEGER NOT NULL DEFAULT 0;
                -- held | want (a snapshot is owed) | revoke (a purge is owed).
                ALTER TABLE site_grant ADD COLUMN state TEXT NOT NULL DEFAULT 'held';
                CREATE INDEX site_grant_owed ON site_grant (site_id, state, scope, client_id) WHERE state <> 'held';
                -- The offer waiting for its acknowledgement is named by offer_id; access was
                -- examined through log position reconciled_at for the user as role/branch.
                ALTER TABLE site_view DROP COLUMN pending_next;
                ALTER TABLE site_view ADD COLUMN offer_id INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE site_view ADD COLUMN reconciled_at INTEGER;
                ALTER TABLE site_view ADD COLUMN role TEXT;
                ALTER TABLE site_view ADD COLUMN branch TEXT;
                UPDATE site_view SET pending = NULL;
                -- A retried push is answered with the refusals it met the first time.
                CREATE INDEX refused_change_by_change ON refused_change (site, seq);
                -- A conflict record's client (the client of the row it is about) is kept like
                -- a child row's, so snapshots and purges of the client's details take it.
                UPDATE record SET client_id = CASE json_extract(fields, '$.entity.v')
                    WHEN 'client' THEN json_extract(fields, '$.entity_id.v')
                    ELSE (SELECT about.client_id FROM record AS about
                          WHERE about.entity = json_extract(record.fields, '$.entity.v') AND about.row_id = json_extract(record.fields, '$.entity_id.v'))
                    END
                WHERE entity = 'conflict';
                """)
        }
        return migrator
    }
}

/// A record's fields as the store keeps them: `{"name":{"v":…,"h":…,"s":…},…}`.
package enum StoredFields {
    private struct Version: Decodable {
        let v: FieldValue
        let h: Int64
        let s: String
    }

    package static func decode(_ json: String) throws -> [String: FieldState] {
        try JSONDecoder().decode([String: Version].self, from: Data(json.utf8)).mapValues {
            FieldState(value: $0.v, hlc: HLCTimestamp(packed: $0.h), site: $0.s)
        }
    }

    package static func encode(_ fields: [String: FieldState]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(fields.count * 64)
        out.append(UInt8(ascii: "{"))
        for (index, name) in fields.keys.sorted().enumerated() {
            let state = fields[name]!
            if index > 0 { out.append(UInt8(ascii: ",")) }
            JSONText.appendQuoted(name, to: &out)
            out.append(contentsOf: #":{"v":"#.utf8)
            switch state.value {
            case .null: out.append(contentsOf: "null".utf8)
            case .integer(let value): out.append(contentsOf: String(value).utf8)
            case .text(let value): JSONText.appendQuoted(value, to: &out)
            }
            out.append(contentsOf: #","h":"#.utf8)
            out.append(contentsOf: String(state.hlc.packed).utf8)
            out.append(contentsOf: #","s":"#.utf8)
            JSONText.appendQuoted(state.site, to: &out)
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }
}
