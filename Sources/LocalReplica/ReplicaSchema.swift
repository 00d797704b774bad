import GRDB

/// The replica's tables, created by named migrations that are never edited once shipped
/// (add a new migration instead). docs/replica-schema.md describes every table for report
/// scripts.
enum ReplicaSchema {
    /// The migrator that brings any replica file up to date.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-initial", migrate: createInitialTables)
        migrator.registerMigration("v2-conflict-rules", migrate: addConflictRuleTables)
        migrator.registerMigration("v3-read-back-children") { db in
            // A refused client deletion reads back the client's rows too.
            try db.execute(sql: "ALTER TABLE pending_row_read ADD COLUMN children INTEGER NOT NULL DEFAULT 0")
        }
        migrator.registerMigration("v4-logged-seq") { db in
            // The highest own sequence number seen in the server's log: the server has
            // processed every change up to it, even if its acknowledgement is still on the way.
            try db.execute(sql: "ALTER TABLE replica_meta ADD COLUMN logged_seq INTEGER NOT NULL DEFAULT 0")
        }
        migrator.registerMigration("v5-offer-ack") { db in
            // The last offer of grants and revokes applied here, named in the next pull so
            // the server knows this replica holds what it offered.
            try db.execute(sql: "ALTER TABLE replica_meta ADD COLUMN offer_ack INTEGER NOT NULL DEFAULT 0")
        }
        migrator.registerMigration("v6-task-cascade") { db in
            // A client's tasks go with the client (they used to lose the reference and
            // become tasks about no client, which every branch may read).
            try db.execute(sql: """
                CREATE TABLE task_new (
                    id TEXT PRIMARY KEY NOT NULL,
                    title TEXT NOT NULL,
                    assignee_id TEXT,
                    due TEXT,
                    client_id TEXT REFERENCES client (id) ON DELETE CASCADE,
                    done INTEGER NOT NULL DEFAULT 0 CHECK (done IN (0, 1)),
                    kind TEXT NOT NULL DEFAULT 'manual',
                    branch_id TEXT,
                    detail TEXT
                );
                INSERT INTO task_new (id, title, assignee_id, due, client_id, done, kind, branch_id, detail)
                    SELECT id, title, assignee_id, due, client_id, done, kind, branch_id, detail FROM task;
                DROP TABLE task;
                ALTER TABLE task_new RENAME TO task;
                CREATE INDEX task_by_client ON task (client_id);
                """)
        }
        migrator.registerMigration("v7-conflict-client") { db in
            // The client a conflict record is about, so a revoke purges it with the client's
            // details (records made before this carry NULL and are purged by their row).
            try db.execute(sql: """
                ALTER TABLE conflict ADD COLUMN client_id TEXT;
                CREATE INDEX conflict_by_client ON conflict (client_id);
                """)
        }
        migrator.registerMigration("v8-purge-pending") { db in
            // 1 while revoked rows may still be in the write-ahead log because another
            // program kept it from being emptied; cleared once it is.
            try db.execute(sql: "ALTER TABLE replica_meta ADD COLUMN purge_pending INTEGER NOT NULL DEFAULT 0")
        }
        migrator.registerMigration("v9-search", migrate: addSearchIndexes)
        migrator.registerMigration("v10-catch-up") { db in
            // A long pull under way (several pages): the cursor it began after, the log's
            // newest position as last told, and when it began; all NULL otherwise.
            try db.execute(sql: """
                ALTER TABLE replica_meta ADD COLUMN catch_up_from INTEGER;
                ALTER TABLE replica_meta ADD COLUMN catch_up_head INTEGER;
                ALTER TABLE replica_meta ADD COLUMN catch_up_started_at INTEGER;
                """)
        }
        return migrator
    }

    /// Issue 13: search that stays instant on a big office. A trigram index over each
    /// client's name, e-mails and phones, kept in step within the write transaction that
    /// changes the card (``SearchIndex``); the name indexed for sorting and for one- or
    /// two-character searches; the creation time indexed for "newest first".
    private static func addSearchIndexes(_ db: Database) throws {
        try db.execute(sql: """
            -- The text a search looks in, one row per client. The full-text index reads it
            -- from here (content table), so it holds no second copy of the cards. The
            -- e-mail and phone lists (JSON arrays of plain strings) lose their brackets and
            -- quotes by replace(): FTS5 cannot rebuild from a view that calls json_each.
            --
            -- Two Hangul syllables or Han characters side by side in a name (a Korean given
            -- name: 민지 in 김민지) are added once more behind a char(1) marker, so a
            -- two-character search, shorter than a trigram, finds them as the phrase
            -- char(1) || '민지'. Names of printable ASCII alone skip the walk.
            CREATE VIEW client_search_text AS
            SELECT c.rowid AS client_rowid,
                   c.name || char(10) || replace(replace(replace(replace(c.emails, '[]', ''), '["', ''), '"]', ''), '","', ' ')
                          || char(10) || replace(replace(replace(replace(c.phones, '[]', ''), '["', ''), '"]', ''), '","', ' ')
                          || char(10) || CASE WHEN c.name GLOB '*[^ -~]*' THEN COALESCE((
                              WITH RECURSIVE i(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM i WHERE n < length(c.name) - 1)
                              SELECT group_concat(char(1) || substr(c.name, n, 2), ' ') FROM i
                              WHERE (unicode(substr(c.name, n, 1)) BETWEEN 44032 AND 55203 OR unicode(substr(c.name, n, 1)) BETWEEN 19968 AND 40959)
                                AND (unicode(substr(c.name, n + 1, 1)) BETWEEN 44032 AND 55203 OR unicode(substr(c.name, n + 1, 1)) BETWEEN 19968 AND 40959)
                          ), '') ELSE '' END AS terms
            FROM client c;

            CREATE VIRTUAL TABLE client_search USING fts5(
                terms, tokenize = 'trigram', content = 'client_search_text', content_rowid = 'client_rowid'
            );

            -- The cards a transaction touched, with the text the index held for each before
            -- (NULL for a card new to the index). Triggers fill it; the transaction's last
            -- statements move it into the index (SearchIndex.flush), all before it commits.
            -- Writing the index from the triggers themselves costs five times as much: each
            -- row's statement would flush FTS5's pending terms to disk.
            CREATE TABLE client_search_pending (
                client_rowid INTEGER PRIMARY KEY,
                old_terms TEXT
            );
            CREATE TRIGGER client_search_insert AFTER INSERT ON client BEGIN
                INSERT OR IGNORE INTO client_search_pending (client_rowid, old_terms) VALUES (new.rowid, NULL);
            END;
            CREATE TRIGGER client_search_delete BEFORE DELETE ON client BEGIN
                INSERT OR IGNORE INTO client_search_pending (client_rowid, old_terms)
                    SELECT client_rowid, terms FROM client_search_text WHERE client_rowid = old.rowid;
            END;
            CREATE TRIGGER client_search_update BEFORE UPDATE OF name, emails, phones ON client BEGIN
                INSERT OR IGNORE INTO client_search_pending (client_rowid, old_terms)
                    SELECT client_rowid, terms FROM client_search_text WHERE client_rowid = old.rowid;
            END;

            INSERT INTO client_search (client_search) VALUES ('rebuild');

            -- Sorting by name and one- or two-character searches. NOCASE folds ASCII only;
            -- a function of ours (crm_fold) would fold every script, but a file whose
            -- schema names it cannot be opened by sqlite3 or any report script.
            CREATE INDEX client_by_name ON client (name COLLATE NOCASE, id);
            CREATE INDEX client_by_created ON client (created_at, id);
            """)
    }

    /// Issue 4: conflict records become replicated rows made by the server; rooms, classes,
    /// enrolments, planned calls and the money ledger; tasks made by rule.
    private static func addConflictRuleTables(_ db: Database) throws {
        try db.execute(sql: """
            DROP TABLE conflict;
            -- Conflicts the server recorded beside the winner (replicated; see
            -- protocol/CONFLICTS.md). kept: what the row holds; other: what did not make it.
            CREATE TABLE conflict (
                id TEXT PRIMARY KEY NOT NULL,
                entity TEXT NOT NULL,
                entity_id TEXT NOT NULL,
                field TEXT,
                kind TEXT NOT NULL,
                kept TEXT,
                other TEXT,
                kept_author_id TEXT,
                other_author_id TEXT,
                kept_hlc INTEGER,
                other_hlc INTEGER,
                flagged INTEGER NOT NULL DEFAULT 0 CHECK (flagged IN (0, 1)),
                created_at TEXT NOT NULL,
                resolved_at TEXT,
                resolution TEXT
            );
            CREATE INDEX conflict_by_row ON conflict (entity, entity_id);

            -- Rows whose server version must be read back after a push (refused, superseded
            -- or unheard-of outcomes), kept until read so a lost reply cannot skip them.
            CREATE TABLE pending_row_read (
                entity TEXT NOT NULL,
                row_id TEXT NOT NULL,
                PRIMARY KEY (entity, row_id)
            ) WITHOUT ROWID;

            ALTER TABLE schedule ADD COLUMN course_id TEXT;
            ALTER TABLE task ADD COLUMN kind TEXT NOT NULL DEFAULT 'manual';
            ALTER TABLE task ADD COLUMN branch_id TEXT;
            ALTER TABLE task ADD COLUMN detail TEXT;

            CREATE TABLE room (
                id TEXT PRIMARY KEY NOT NULL,
                branch_id TEXT,
                name TEXT NOT NULL,
                capacity INTEGER NOT NULL DEFAULT 1 CHECK (capacity >= 1)
            );

            -- A class (group lesson) with its capacity.
            CREATE TABLE course (
                id TEXT PRIMARY KEY NOT NULL,
                branch_id TEXT,
                name TEXT NOT NULL,
                capacity INTEGER NOT NULL CHECK (capacity >= 1),
                staff_id TEXT
            );

            -- Group membership: a client enrolled in a class.
            CREATE TABLE enrolment (
                id TEXT PRIMARY KEY NOT NULL,
                client_id TEXT NOT NULL REFERENCES client (id) ON DELETE CASCADE,
                course_id TEXT NOT NULL
            );
            CREATE INDEX enrolment_by_client ON enrolment (client_id);

            CREATE TABLE planned_call (
                id TEXT PRIMARY KEY NOT NULL,
                client_id TEXT NOT NULL REFERENCES client (id) ON DELETE CASCADE,
                due TEXT NOT NULL,
                staff_id TEXT,
                note TEXT,
                done INTEGER NOT NULL DEFAULT 0 CHECK (done IN (0, 1))
            );
            CREATE INDEX planned_call_by_client ON planned_call (client_id);

            -- Money: entries are only ever added. Amounts are positive minor units; the kind
            -- gives the sign (see client_balance).
            CREATE TABLE ledger_entry (
                id TEXT PRIMARY KEY NOT NULL,
                client_id TEXT NOT NULL REFERENCES client (id) ON DELETE CASCADE,
                kind TEXT NOT NULL CHECK (kind IN ('payment', 'deduction', 'release', 'settlement')),
                amount INTEGER NOT NULL CHECK (amount > 0),
                schedule_id TEXT,
                author_id TEXT,
                note TEXT,
                created_at TEXT NOT NULL
            );
            CREATE INDEX ledger_by_client ON ledger_entry (client_id);

            -- Prepaid balance: payments and releases add, deductions take away. Settlements
            -- (what a schedule costs) count while their schedule exists: deleting a schedule
            -- takes its settlement with it. A negative balance is a debt.
            CREATE VIEW client_balance AS
            SELECT c.id AS client_id,
                   COALESCE(SUM(CASE l.kind
                       WHEN 'payment' THEN l.amount
                       WHEN 'release' THEN l.amount
                       WHEN 'deduction' THEN -l.amount
                       WHEN 'settlement' THEN CASE WHEN EXISTS (SELECT 1 FROM schedule s WHERE s.id = l.schedule_id) THEN -l.amount ELSE 0 END
                   END), 0) AS balance
            FROM client c LEFT JOIN ledger_entry l ON l.client_id = c.id
            GROUP BY c.id;
            """)
    }

    private static func createInitialTables(_ db: Database) throws {
        try db.execute(sql: """
            -- One row: who this replica is and where its clock and sequence stand.
            CREATE TABLE replica_meta (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                site_id TEXT NOT NULL,
                user_id TEXT,
                server_url TEXT,
                last_hlc INTEGER NOT NULL DEFAULT 0,
                clock_offset_ms INTEGER NOT NULL DEFAULT 0,
                next_seq INTEGER NOT NULL DEFAULT 1 CHECK (next_seq >= 1),
                created_at TEXT NOT NULL,
                ca_file TEXT,
                pull_cursor INTEGER NOT NULL DEFAULT 0,
                acked_seq INTEGER NOT NULL DEFAULT 0,
                last_sync_at TEXT,
                last_error TEXT
            );

            CREATE TABLE branch (
                id TEXT PRIMARY KEY NOT NULL,
                name TEXT NOT NULL
            );

            CREATE TABLE staff_user (
                id TEXT PRIMARY KEY NOT NULL,
                name TEXT NOT NULL,
                role TEXT NOT NULL CHECK (role IN ('executive', 'manager', 'general')),
                team TEXT NOT NULL DEFAULT 'other' CHECK (team IN ('sales', 'collections', 'other')),
                branch_id TEXT
            );

            CREATE TABLE custom_field (
                id TEXT PRIMARY KEY NOT NULL,
                key TEXT NOT NULL UNIQUE,
                label TEXT NOT NULL,
                kind TEXT NOT NULL CHECK (kind IN ('text', 'number', 'date', 'boolean')),
                hidden INTEGER NOT NULL DEFAULT 0 CHECK (hidden IN (0, 1))
            );

            -- Branch and assignee are not foreign keys: a partial replica may hold a client
            -- whose branch or assignee it is not allowed to see.
            CREATE TABLE client (
                id TEXT PRIMARY KEY NOT NULL,
                name TEXT NOT NULL,
                phones TEXT NOT NULL DEFAULT '[]',
                emails TEXT NOT NULL DEFAULT '[]',
                birth_date TEXT,
                custom_fields TEXT NOT NULL DEFAULT '{}',
                branch_id TEXT,
                assignee_id TEXT,
                dormant INTEGER NOT NULL DEFAULT 0 CHECK (dormant IN (0, 1)),
                archive_reason TEXT,
                created_at TEXT NOT NULL
            );
            CREATE INDEX client_by_assignee ON client (assignee_id);

            -- One row per tag added: two offices adding the same tag make two rows, and a
            -- removal deletes the rows it saw, so a concurrent add survives (add wins).
            CREATE TABLE client_tag (
                id TEXT PRIMARY KEY NOT NULL,
                client_id TEXT NOT NULL REFERENCES client (id) ON DELETE CASCADE,
                tag TEXT NOT NULL
            );
            CREATE INDEX client_tag_by_client ON client_tag (client_id, tag);

            CREATE TABLE memo (
                id TEXT PRIMARY KEY NOT NULL,
                client_id TEXT NOT NULL REFERENCES client (id) ON DELETE CASCADE,
                text TEXT NOT NULL,
                type TEXT CHECK (type IN ('meeting', 'call')),
                author_id TEXT,
                created_at TEXT NOT NULL
            );
            CREATE INDEX memo_by_client ON memo (client_id);

            CREATE TABLE schedule (
                id TEXT PRIMARY KEY NOT NULL,
                client_id TEXT NOT NULL REFERENCES client (id) ON DELETE CASCADE,
                starts_at TEXT NOT NULL,
                ends_at TEXT NOT NULL,
                staff_id TEXT,
                room TEXT,
                state TEXT NOT NULL DEFAULT 'scheduled' CHECK (state IN ('scheduled', 'done', 'cancelled')),
                CHECK (ends_at > starts_at)
            );
            CREATE INDEX schedule_by_client ON schedule (client_id, state);

            -- A journal outlives its schedule (deleting the schedule keeps the journal),
            -- so schedule_id is not a foreign key.
            CREATE TABLE journal (
                id TEXT PRIMARY KEY NOT NULL,
                schedule_id TEXT NOT NULL UNIQUE,
                client_id TEXT NOT NULL REFERENCES client (id) ON DELETE CASCADE,
                text TEXT NOT NULL
            );

            CREATE TABLE task (
                id TEXT PRIMARY KEY NOT NULL,
                title TEXT NOT NULL,
                assignee_id TEXT,
                due TEXT,
                client_id TEXT REFERENCES client (id) ON DELETE SET NULL,
                done INTEGER NOT NULL DEFAULT 0 CHECK (done IN (0, 1))
            );
            CREATE INDEX task_by_client ON task (client_id);

            -- Client status, derived from flags and schedules (see ClientStatus in CRMModel).
            CREATE VIEW client_status AS
            SELECT c.id AS client_id,
                   CASE
                       WHEN c.archive_reason IS NOT NULL THEN 'archived'
                       WHEN c.dormant = 1 THEN 'dormant'
                       WHEN EXISTS (SELECT 1 FROM schedule s WHERE s.client_id = c.id AND s.state = 'scheduled') THEN 'in_progress'
                       WHEN EXISTS (SELECT 1 FROM schedule s WHERE s.client_id = c.id AND s.state = 'done') THEN 'completed'
                       ELSE 'new'
                   END AS status
            FROM client c;

            -- The outbox: one row per write transaction, holding that transaction's row
            -- changes as a JSON array (see ChangeBatchCodec). The changes are numbered
            -- first_seq, first_seq + 1, ... last_seq in array order and share the HLC.
            CREATE TABLE outbox (
                first_seq INTEGER PRIMARY KEY NOT NULL,
                last_seq INTEGER NOT NULL,
                hlc INTEGER NOT NULL,
                changes TEXT NOT NULL,
                CHECK (last_seq >= first_seq)
            );

            -- The outbox one field per row, for report scripts and for people.
            CREATE VIEW outbox_change AS
            SELECT o.first_seq + c.key AS seq,
                   json_extract(c.value, '$.e') AS entity,
                   json_extract(c.value, '$.r') AS row_id,
                   CASE WHEN json_extract(c.value, '$.d') = 1 THEN 'delete' ELSE 'set' END AS op,
                   f.key AS field,
                   f.value AS value,
                   o.hlc AS hlc,
                   (SELECT site_id FROM replica_meta) AS site_id
            FROM outbox o
            JOIN json_each(o.changes) c
            LEFT JOIN json_each(c.value, '$.f') f;

            -- Concurrent edits the server kept beside the winner, to review.
            CREATE TABLE conflict (
                id TEXT PRIMARY KEY NOT NULL,
                entity TEXT NOT NULL,
                entity_id TEXT NOT NULL,
                field TEXT,
                kind TEXT NOT NULL,
                kept TEXT,
                other TEXT,
                other_author_id TEXT,
                other_hlc INTEGER,
                created_at TEXT NOT NULL,
                resolved_at TEXT
            );

            -- Local changes the server refused, rolled back here and kept to be seen.
            CREATE TABLE rejected_change (
                id INTEGER PRIMARY KEY,
                seq INTEGER NOT NULL,
                entity TEXT NOT NULL,
                entity_id TEXT NOT NULL,
                field TEXT,
                value TEXT,
                reason TEXT NOT NULL,
                detail TEXT,
                rejected_at TEXT NOT NULL
            );
            """)
    }
}
