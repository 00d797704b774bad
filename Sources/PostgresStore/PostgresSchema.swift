import Foundation

/// The PostgreSQL store's tables, created and upgraded in numbered steps. Each step runs in
/// one transaction under an advisory lock, so instances that start together upgrade once.
/// They mirror the SQLite store's tables (docs/adr/0009), with the global order kept in
/// `sync_head` (ADR 0008).
enum PostgresSchema {
    /// The lock that serialises upgrades (an arbitrary constant, 'CRM' 'schema').
    static let upgradeLock: Int64 = 0x4352_4D00_5343_4845

    /// Every step, in order; a step is a list of statements.
    static func steps(serverSite: String) -> [[String]] {
        [
            [
                """
                CREATE TABLE server_meta (
                    id integer PRIMARY KEY CHECK (id = 1),
                    site_id text NOT NULL,
                    next_seq bigint NOT NULL DEFAULT 1
                )
                """,
                "INSERT INTO server_meta (id, site_id) VALUES (1, '\(serverSite)')",
                // The global log's newest position: taken last in a push (ADR 0008).
                "CREATE TABLE sync_head (id integer PRIMARY KEY CHECK (id = 1), position bigint NOT NULL)",
                "INSERT INTO sync_head (id, position) VALUES (1, 0)",
                """
                CREATE TABLE device (
                    id text PRIMARY KEY,
                    user_id text NOT NULL,
                    name text NOT NULL,
                    token_hash text NOT NULL UNIQUE,
                    created_at bigint NOT NULL,
                    revoked_at bigint
                )
                """,
                "CREATE INDEX device_by_user ON device (user_id)",
                "CREATE TABLE device_site (site_id text PRIMARY KEY, device_id text NOT NULL)",
                "CREATE INDEX device_site_by_device ON device_site (device_id)",
                "CREATE TABLE site_state (site_id text PRIMARY KEY, applied_seq bigint NOT NULL)",
                """
                CREATE TABLE record (
                    entity text NOT NULL,
                    row_id text NOT NULL,
                    deleted boolean NOT NULL DEFAULT false,
                    client_id text,
                    fields text NOT NULL,
                    PRIMARY KEY (entity, row_id)
                )
                """,
                "CREATE INDEX record_by_client ON record (client_id, entity, row_id) WHERE client_id IS NOT NULL",
                """
                CREATE TABLE change_log (
                    position bigint PRIMARY KEY,
                    site text NOT NULL,
                    seq bigint NOT NULL,
                    wire text NOT NULL,
                    created_at bigint NOT NULL,
                    scope text,
                    client_id text,
                    access smallint NOT NULL DEFAULT 0,
                    xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
                    UNIQUE (site, seq)
                )
                """,
                "CREATE INDEX change_log_access ON change_log (position) WHERE access > 0",
                """
                CREATE TABLE booking (
                    schedule_id text PRIMARY KEY,
                    client_id text NOT NULL,
                    starts_at text NOT NULL,
                    ends_at text NOT NULL,
                    staff_id text,
                    room_id text,
                    course_id text
                )
                """,
                "CREATE INDEX booking_by_staff ON booking (staff_id, starts_at) WHERE staff_id IS NOT NULL",
                "CREATE INDEX booking_by_room ON booking (room_id, starts_at) WHERE room_id IS NOT NULL",
                "CREATE INDEX booking_by_course ON booking (course_id, starts_at) WHERE course_id IS NOT NULL",
                "CREATE INDEX booking_by_client ON booking (client_id)",
                """
                CREATE TABLE refused_change (
                    id bigserial PRIMARY KEY,
                    at bigint NOT NULL,
                    user_id text,
                    site text NOT NULL,
                    seq bigint NOT NULL,
                    entity text NOT NULL,
                    row_id text NOT NULL,
                    fields text,
                    reason text NOT NULL,
                    detail text
                )
                """,
                "CREATE INDEX refused_change_by_change ON refused_change (site, seq)",
                """
                CREATE TABLE site_view (
                    site_id text PRIMARY KEY,
                    pending text,
                    offer_id bigint NOT NULL DEFAULT 0,
                    reconciled_at bigint,
                    role text,
                    branch text
                )
                """,
                """
                CREATE TABLE site_grant (
                    site_id text NOT NULL,
                    client_id text NOT NULL,
                    scope text NOT NULL,
                    state text NOT NULL,
                    PRIMARY KEY (site_id, client_id, scope)
                )
                """,
                "CREATE INDEX site_grant_owed ON site_grant (site_id, state, (scope = 'details'), client_id) WHERE state <> 'held'",
            ],
        ]
    }

    /// Brings the database's tables to the newest step.
    static func upgrade(_ session: PGSession) throws {
        try session.run("BEGIN")
        do {
            try session.query("SELECT pg_advisory_xact_lock(\(upgradeLock))")
            try session.run("CREATE TABLE IF NOT EXISTS schema_step (step integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())")
            let done = try session.query("SELECT COALESCE(MAX(step), 0) FROM schema_step").first?.decode(Int.self) ?? 0
            let steps = steps(serverSite: UUID().uuidString.lowercased())
            for (index, step) in steps.enumerated() where index + 1 > done {
                for statement in step { try session.run(statement) }
                try session.query("INSERT INTO schema_step (step) VALUES (\(index + 1))")
            }
            try session.run("COMMIT")
        } catch {
            try? session.run("ROLLBACK")
            throw error
        }
    }
}
