import CRMModel
import Foundation
import GRDB
import SyncCore

extension Replica {
    /// Lists clients matching `query`, in its order, from its offset.
    public func clients(_ query: ClientQuery = .init()) throws -> [ClientSummary] {
        try clientPage(query).clients
    }

    /// Searches matching more cards than this are listed newest first whatever the sort
    /// asked for: sorting 100,000 matches by name to show 20 would cost a third of a second,
    /// and the person will type more before reading them.
    public static let broadSearch = 2_000

    /// Clients matching `query`, the order they are in (the one asked for, or newest first
    /// for a search broader than ``broadSearch``), and, with `countUpTo`, how many match,
    /// counted up to that many. One plan and one snapshot for all three, so the full-text
    /// index is read once.
    public func clientPage(_ query: ClientQuery, countUpTo cap: Int? = nil) throws -> ClientPage {
        try read { db in
            let plan = try Self.plan(of: query, region: configuration.phoneRegion, ordered: true, db: db)
            // The page's ids first, then what a list shows of each: the status and tags of
            // 20 cards, not of every match.
            let ids = try plan.ids(limit: query.limit, offset: query.offset, db: db)
            let details = try db.cachedStatement(sql: """
                SELECT c.id, c.name, s.status, c.assignee_id, json_extract(c.phones, '$[0]'), json_extract(c.emails, '$[0]'),
                       (SELECT json_group_array(tag) FROM (SELECT DISTINCT tag FROM client_tag t WHERE t.client_id = c.id ORDER BY tag))
                FROM client c JOIN client_status s ON s.client_id = c.id WHERE c.id = ?
                """)
            let clients = try ids.compactMap { id in
                try Row.fetchOne(details, arguments: [id]).map { row in
                    ClientSummary(id: row[0], name: row[1], status: row[2], assignee: row[3], phone: row[4], email: row[5], tags: Self.decodeList(row[6]))
                }
            }
            return ClientPage(clients: clients, sort: plan.sort, count: try cap.map { try plan.count(upTo: $0, db: db) })
        }
    }

    /// How many clients match `query` (its limit and offset aside), counted up to `cap`
    /// when one is given: a page needs to know whether more follow, not that a common
    /// name matches 180,000 cards.
    public func clientCount(_ query: ClientQuery = .init(), upTo cap: Int? = nil) throws -> Int {
        try read { db in try Self.plan(of: query, region: configuration.phoneRegion, ordered: false, db: db).count(upTo: cap, db: db) }
    }

    /// Where a client query reads from, what filters it, and its order.
    ///
    /// A search first reads up to ``broadSearch`` + 1 matches from the trigram index. When
    /// there are no more than that, the query reads those cards and sorts them as asked.
    /// When there are more, it walks the index's matches newest first (highest row first,
    /// the order cards reached this replica) and stops once the page is full, so neither
    /// the page nor its count reads every match. Cards a pull left pending for the index
    /// are checked one by one in a second arm, and left out of the index's arm.
    private struct QueryPlan {
        /// One SELECT of a UNION ALL: its tables, its conditions, its sort keys.
        struct Arm {
            var from: String
            var conditions: [String] = []
            var arguments: StatementArguments = []
            var keys: [String]
        }

        var arms: [Arm]
        var sort: ClientQuery.Sort
        var descending: Bool

        /// Whether the arms are disjoint ranges of the name index already in the order
        /// asked for: they are read one after the other, each walking the index in order,
        /// instead of being collected and sorted together.
        var consecutive = false

        /// The ids of a page, in order.
        func ids(limit: Int?, offset: Int, db: Database) throws -> [String] {
            guard consecutive else {
                var (sql, arguments) = select(arms)
                if limit != nil || offset > 0 {
                    sql += " LIMIT ? OFFSET ?"
                    _ = arguments.append(contentsOf: [limit ?? -1, offset])
                }
                return try String.fetchAll(db, sql: sql, arguments: arguments)
            }
            var ids: [String] = []
            var skip = offset
            for arm in arms {
                let wanted = limit.map { $0 - ids.count } ?? -1
                if wanted == 0 { break }
                if skip > 0 {
                    let here = try QueryPlan(arms: [arm], sort: sort, descending: descending).count(upTo: skip, db: db)
                    if here < skip {
                        skip -= here
                        continue
                    }
                }
                var (sql, arguments) = select([arm])
                sql += " LIMIT ? OFFSET ?"
                _ = arguments.append(contentsOf: [wanted, skip])
                skip = 0
                ids += try String.fetchAll(db, sql: sql, arguments: arguments)
            }
            return ids
        }

        /// The ids of `arms` in order, without LIMIT.
        private func select(_ arms: [Arm]) -> (String, StatementArguments) {
            let direction = descending ? " DESC" : ""
            if arms.count == 1, let arm = arms.first {
                return ("SELECT c.id FROM \(arm.from)\(Self.filter(arm)) ORDER BY " + arm.keys.map { $0 + direction }.joined(separator: ", "), arm.arguments)
            }
            var arguments: StatementArguments = []
            let parts = arms.map { arm -> String in
                _ = arguments.append(contentsOf: arm.arguments)
                return "SELECT c.id AS id, " + arm.keys.enumerated().map { "\($0.element) AS k\($0.offset)" }.joined(separator: ", ") + " FROM \(arm.from)\(Self.filter(arm))"
            }
            let order = arms[0].keys.enumerated().map { "k\($0.offset)\($0.element.hasSuffix("COLLATE NOCASE") ? " COLLATE NOCASE" : "")\(direction)" }
                .joined(separator: ", ")
            return ("SELECT id FROM (" + parts.joined(separator: " UNION ALL ") + ") ORDER BY " + order, arguments)
        }

        /// How many rows the arms give, up to `cap`.
        func count(upTo cap: Int?, db: Database) throws -> Int {
            var arguments: StatementArguments = []
            var sql = arms.map { arm -> String in
                _ = arguments.append(contentsOf: arm.arguments)
                return "SELECT 1 FROM \(arm.from)\(Self.filter(arm))"
            }.joined(separator: " UNION ALL ")
            if let cap {
                sql += " LIMIT ?"
                _ = arguments.append(contentsOf: [cap])
            }
            return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM (\(sql))", arguments: arguments) ?? 0
        }

        private static func filter(_ arm: Arm) -> String {
            arm.conditions.isEmpty ? "" : " WHERE " + arm.conditions.joined(separator: " AND ")
        }
    }

    private static func plan(of query: ClientQuery, region: PhoneNumber.Region?, ordered: Bool, db: Database) throws -> QueryPlan {
        let keys = query.sort == .newest ? ["c.created_at", "c.id"] : ["c.name COLLATE NOCASE", "c.id"]
        var plan = QueryPlan(arms: [.init(from: "client c", keys: keys)], sort: query.sort, descending: query.sort == .newest)
        let search = query.search.flatMap { ClientSearch($0, region: region) }
        if let search, let match = search.match {
            let pending = try SearchIndex.hasPending(db)
            let matches = try ordered ? Int64.fetchAll(db.cachedStatement(sql: "SELECT rowid FROM client_search WHERE client_search MATCH ? LIMIT ?"),
                                                       arguments: [match, broadSearch + 1]) : []
            var indexed: QueryPlan.Arm
            if ordered && matches.count <= broadSearch {
                indexed = .init(from: "client c", conditions: ["c.rowid IN (SELECT value FROM json_each(?))"],
                                arguments: ["[" + matches.map(String.init).joined(separator: ",") + "]"], keys: keys)
            } else {
                indexed = .init(from: "client_search f CROSS JOIN client c ON c.rowid = f.rowid", conditions: ["client_search MATCH ?"],
                                arguments: [match], keys: ["f.rowid"])
                if ordered {
                    plan.sort = .newest
                    plan.descending = true
                }
            }
            plan.arms = [indexed]
            if pending {
                plan.arms[0].conditions.append("c.rowid NOT IN (SELECT client_rowid FROM client_search_pending)")
                var scanned = QueryPlan.Arm(from: "client_search_pending p CROSS JOIN client c ON c.rowid = p.client_rowid",
                                            keys: indexed.keys == ["f.rowid"] ? ["c.rowid"] : keys)
                let (condition, arguments) = Self.check(search.scan)
                scanned.conditions.append(condition)
                scanned.arguments = arguments
                plan.arms.append(scanned)
            }
        }
        if let prefixes = search?.namePrefixes, !prefixes.isEmpty {
            // One range of the name index per way of writing the start. In name order the
            // ranges are disjoint and sorted by their starts, so they are read one after
            // the other; for another order they are one condition.
            let ranges = prefixes.sorted { ClientSearch.asciiFolded($0).utf8.lexicographicallyPrecedes(ClientSearch.asciiFolded($1).utf8) }
            let condition = "(c.name COLLATE NOCASE >= ? AND c.name COLLATE NOCASE < ?)"
            if query.sort == .name {
                plan.arms = ranges.map { .init(from: "client c", conditions: [condition], arguments: [$0, $0 + "\u{10FFFF}"], keys: keys) }
                plan.consecutive = true
            } else {
                plan.arms[0].conditions.append("(" + ranges.map { _ in condition }.joined(separator: " OR ") + ")")
                for prefix in ranges { _ = plan.arms[0].arguments.append(contentsOf: [prefix, prefix + "\u{10FFFF}"]) }
            }
        }
        let (conditions, arguments) = Self.conditions(of: query, search: search)
        for index in plan.arms.indices {
            if query.status != nil { plan.arms[index].from += " JOIN client_status s ON s.client_id = c.id" }
            plan.arms[index].conditions += conditions
            _ = plan.arms[index].arguments.append(contentsOf: arguments)
        }
        return plan
    }

    /// A search as a check of each card's name, e-mails and phones.
    private static func check(_ check: ClientSearch.Verification) -> (String, StatementArguments) {
        var alternatives = ["instr(crm_fold(c.name), ?) > 0", "instr(crm_fold(c.emails), ?) > 0"]
        var arguments: StatementArguments = [check.text, check.text]
        for digits in check.digits {
            alternatives.append("instr(c.phones, ?) > 0")
            _ = arguments.append(contentsOf: [digits])
        }
        return ("(" + alternatives.joined(separator: " OR ") + ")", arguments)
    }

    /// Whether the search index holds exactly the name, e-mails and phones of every card
    /// (SQLite's FTS5 integrity check against the cards themselves), once cards a pull
    /// left pending are indexed.
    public func searchIndexIsInStep() throws -> Bool {
        do {
            try flushSearchIndex()
            // FTS5 runs its check as a write; it changes nothing.
            try writeTransaction { db in try db.execute(sql: "INSERT INTO client_search (client_search, rank) VALUES ('integrity-check', 1)") }
            return true
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CORRUPT {
            return false
        }
    }

    /// The SQL conditions of a query besides its full-text match, and their arguments.
    private static func conditions(of query: ClientQuery, search: ClientSearch?) -> ([String], StatementArguments) {
        var conditions: [String] = []
        var arguments: StatementArguments = []
        if let search {
            if let verify = search.verify {
                let (condition, found) = Self.check(verify)
                conditions.append(condition)
                _ = arguments.append(contentsOf: found)
            }
        }
        if let status = query.status {
            conditions.append("s.status = ?")
            _ = arguments.append(contentsOf: [status.rawValue])
        }
        if let tag = query.tag {
            conditions.append("EXISTS (SELECT 1 FROM client_tag t WHERE t.client_id = c.id AND t.tag = ?)")
            _ = arguments.append(contentsOf: [tag.trimmingWhitespace()])
        }
        if !query.includeArchived && query.status != .archived {
            conditions.append("c.archive_reason IS NULL")
        }
        if let assignee = query.assignee {
            conditions.append(assignee.isEmpty ? "c.assignee_id IS NULL" : "c.assignee_id = ?")
            if !assignee.isEmpty { _ = arguments.append(contentsOf: [assignee]) }
        }
        if let branch = query.branch {
            conditions.append("c.branch_id = ?")
            _ = arguments.append(contentsOf: [branch])
        }
        return (conditions, arguments)
    }

    /// A client card with its memos, schedules and ledger, all of them or the `window`
    /// of each that a screen shows.
    /// - Throws: ``ReplicaError`` `notFound` when the card is not on this replica.
    public func client(_ id: ClientID, window: CardWindow = .all) throws -> ClientDetail {
        try read { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT c.id, c.name, c.phones, c.emails, c.birth_date, s.status, c.assignee_id, c.branch_id, c.dormant,
                       c.archive_reason, c.custom_fields, c.created_at
                FROM client c JOIN client_status s ON s.client_id = c.id WHERE c.id = ?
                """, arguments: [id.description]) else {
                throw ReplicaError.notFound(.client, id.description)
            }
            let key = id.description
            let tags = try String.fetchAll(try db.cachedStatement(sql: "SELECT DISTINCT tag FROM client_tag WHERE client_id = ? ORDER BY tag"), arguments: [key])
            let memos = try Row.fetchAll(try db.cachedStatement(sql: "SELECT id, text, type, author_id, created_at FROM memo WHERE client_id = ? ORDER BY created_at DESC, id DESC LIMIT ?"),
                                         arguments: [key, window.memos ?? -1]).reversed().map {
                MemoView(id: $0[0], text: $0[1], type: $0[2], author: $0[3], createdAt: $0[4])
            }
            let now = window.now.description
            let scheduleColumns = "SELECT s.id, s.starts_at, s.ends_at, s.staff_id, s.room, s.state, j.text FROM schedule s LEFT JOIN journal j ON j.schedule_id = s.id"
            let upcomingRule = "s.state = 'scheduled' AND s.starts_at > ?"
            let upcoming = try Row.fetchAll(db, sql: "\(scheduleColumns) WHERE s.client_id = ? AND \(upcomingRule) ORDER BY s.starts_at, s.id LIMIT ?",
                                            arguments: [key, now, window.schedules ?? -1])
            let past = try Row.fetchAll(db, sql: "\(scheduleColumns) WHERE s.client_id = ? AND NOT (\(upcomingRule)) ORDER BY s.starts_at DESC, s.id DESC LIMIT ?",
                                        arguments: [key, now, window.schedules ?? -1])
            let schedules = (past + upcoming).map {
                ScheduleView(id: $0[0], start: $0[1], end: $0[2], staff: $0[3], room: $0[4], state: $0[5], journal: $0[6])
            }.sorted { ($0.start, $0.id) < ($1.start, $1.id) }
            let customFields = (try? JSONDecoder().decode([String: String].self, from: Data((row[10] as String).utf8))) ?? [:]
            let ledger = try Row.fetchAll(db, sql: """
                SELECT id, kind, amount, schedule_id, note, created_at FROM ledger_entry WHERE client_id = ? ORDER BY created_at DESC, id DESC LIMIT ?
                """, arguments: [key, window.ledger ?? -1]).reversed().map {
                LedgerEntryView(id: $0[0], kind: $0[1], amount: $0[2], scheduleId: $0[3], note: $0[4], createdAt: $0[5])
            }
            let balance = try Int64.fetchOne(try db.cachedStatement(sql: "SELECT balance FROM client_balance WHERE client_id = ?"), arguments: [key]) ?? 0
            func count(_ sql: String, _ arguments: StatementArguments) throws -> Int { try Int.fetchOne(try db.cachedStatement(sql: sql), arguments: arguments) ?? 0 }
            var detail = ClientDetail(
                id: row[0], name: row[1], phones: Self.decodeList(row[2]), emails: Self.decodeList(row[3]), birthDate: row[4],
                status: row[5], assignee: row[6], branch: row[7], dormant: row[8], archiveReason: row[9], tags: tags,
                customFields: customFields, memos: memos, schedules: schedules, createdAt: row[11], balance: balance, ledger: ledger)
            detail.memoCount = window.memos == nil ? memos.count : try count("SELECT COUNT(*) FROM memo WHERE client_id = ?", [key])
            detail.upcomingCount = window.schedules == nil ? upcoming.count
                : try count("SELECT COUNT(*) FROM schedule s WHERE s.client_id = ? AND \(upcomingRule)", [key, now])
            detail.pastCount = window.schedules == nil ? past.count
                : try count("SELECT COUNT(*) FROM schedule s WHERE s.client_id = ? AND NOT (\(upcomingRule))", [key, now])
            detail.ledgerCount = window.ledger == nil ? ledger.count : try count("SELECT COUNT(*) FROM ledger_entry WHERE client_id = ?", [key])
            return detail
        }
    }

    /// Tasks, open ones first, by due date; only those about `client` when one is named.
    public func tasks(includeDone: Bool = false, ofClient client: String? = nil) throws -> [TaskView] {
        var conditions: [String] = []
        var arguments: StatementArguments = []
        if !includeDone { conditions.append("done = 0") }
        if let client {
            conditions.append("client_id = ?")
            _ = arguments.append(contentsOf: [client])
        }
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        return try read { db in
            try Row.fetchAll(db, sql: """
                SELECT id, title, assignee_id, due, client_id, done, kind, branch_id, detail FROM task
                \(filter) ORDER BY done, due IS NULL, due, id
                """, arguments: arguments).map {
                TaskView(id: $0[0], title: $0[1], assignee: $0[2], due: $0[3], clientId: $0[4], done: $0[5], kind: $0[6], branchId: $0[7], detail: $0[8])
            }
        }
    }

    /// What waits for someone at this workstation, counted without reading the rows: open
    /// conflict records, refused changes, open tasks.
    public func reviewCounts() throws -> (conflicts: Int, rejected: Int, tasks: Int) {
        try read { db in
            let row = try Row.fetchOne(db, sql: """
                SELECT (SELECT COUNT(*) FROM conflict WHERE resolved_at IS NULL), (SELECT COUNT(*) FROM rejected_change),
                       (SELECT COUNT(*) FROM task WHERE done = 0)
                """)!
            return (row[0], row[1], row[2])
        }
    }

    /// Conflict records, open ones first.
    public func conflicts(includeResolved: Bool = false) throws -> [ConflictView] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT id, entity, entity_id, field, kind, kept, other, kept_author_id, other_author_id, kept_hlc, other_hlc, flagged,
                       created_at, resolved_at, resolution FROM conflict
                \(includeResolved ? "" : "WHERE resolved_at IS NULL") ORDER BY created_at, id
                """).map {
                ConflictView(id: $0[0], entity: $0[1], entityId: $0[2], field: $0[3], kind: $0[4], kept: $0[5], other: $0[6],
                             keptAuthor: $0[7], otherAuthor: $0[8], keptHlc: $0[9], otherHlc: $0[10], flagged: $0[11],
                             createdAt: $0[12], resolvedAt: $0[13], resolution: $0[14])
            }
        }
    }

    /// Local changes the server refused, oldest first.
    public func rejectedChanges() throws -> [RejectedView] {
        try read { db in
            try Row.fetchAll(try db.cachedStatement(sql: "SELECT id, seq, entity, entity_id, field, value, reason, detail, rejected_at FROM rejected_change ORDER BY id")).map {
                RejectedView(id: $0[0], seq: $0[1], entity: $0[2], entityId: $0[3], field: $0[4], value: $0[5], reason: $0[6],
                             detail: $0[7], rejectedAt: $0[8])
            }
        }
    }

    /// Pending change count, last sync and the last error.
    public func status() throws -> ReplicaStatus {
        try read { db in
            let pending = try Int64.fetchOne(db, sql: """
                SELECT COALESCE(SUM(last_seq - MAX(first_seq, m.acked_seq + 1) + 1), 0)
                FROM outbox, replica_meta m WHERE m.id = 1 AND last_seq > m.acked_seq
                """) ?? 0
            let row = try Row.fetchOne(try db.cachedStatement(sql: """
                SELECT site_id, user_id, server_url, last_sync_at, last_error, purge_pending, catch_up_from, pull_cursor, catch_up_head, catch_up_started_at
                FROM replica_meta WHERE id = 1
                """))!
            var catchUp: CatchUp?
            if let from: Int64 = row[6], let head: Int64 = row[8], let started: Int64 = row[9] {
                catchUp = CatchUp(from: from, cursor: row[7], head: head, startedAt: started)
            }
            return ReplicaStatus(pending: pending, lastSync: row[3], server: row[2], lastError: row[4], site: row[0], user: row[1], replica: path,
                                 purgePending: row[5], catchUp: catchUp)
        }
    }

    /// The changes the server has not acknowledged, in sequence order.
    public func pendingChanges(limit: Int = .max) throws -> [RowChange] {
        try read { db in try Self.unacknowledged(db, limit: limit) }
    }

    /// Unacknowledged changes in their wire form (`{"seq":…,"hlc":…,"e":…,"r":…,"f":{…}}`),
    /// assembled by SQLite from the outbox text without decoding it: the push path sends
    /// them as they are.
    /// - Parameter after: read changes after this sequence number instead of after the
    ///   acknowledged one (to prepare the next push while one is in flight).
    public func pendingWireChanges(after: Int64? = nil, limit: Int) throws -> [(seq: Int64, json: String)] {
        try read { db in
            let acked = try Int64.fetchOne(try db.cachedStatement(sql: "SELECT acked_seq FROM replica_meta WHERE id = 1")) ?? 0
            let floor = max(acked, after ?? acked)
            return try Row.fetchAll(db, sql: """
                SELECT o.first_seq + c.key, '{"seq":' || (o.first_seq + c.key) || ',"hlc":' || o.hlc || ',' || substr(c.value, 2)
                FROM outbox o, json_each(o.changes) c
                WHERE o.last_seq > ?1 AND o.first_seq + c.key > ?1
                ORDER BY o.first_seq, c.key
                LIMIT ?2
                """, arguments: [floor, limit]).map { (seq: $0[0], json: $0[1]) }
        }
    }

    /// Unacknowledged changes, read inside an access the caller holds.
    static func unacknowledged(_ db: Database, limit: Int = .max) throws -> [RowChange] {
        // SQLite's json_each picks out just the changes wanted, so a push of 1,000 changes
        // from a 100,000-change transaction decodes 1,000, not 100,000.
        let acked = try Int64.fetchOne(try db.cachedStatement(sql: "SELECT acked_seq FROM replica_meta WHERE id = 1")) ?? 0
        let rows = try Row.fetchCursor(db, sql: """
            SELECT o.first_seq + c.key, o.hlc, c.value
            FROM outbox o, json_each(o.changes) c
            WHERE o.last_seq > ?1 AND o.first_seq + c.key > ?1
            ORDER BY o.first_seq, c.key
            LIMIT ?2
            """, arguments: [acked, limit == .max ? -1 : limit])
        var changes: [RowChange] = []
        while let row = try rows.next() {
            changes.append(try ChangeBatchCodec.decodeOne(row[2], seq: row[0], hlc: HLCTimestamp(packed: row[1])))
        }
        return changes
    }

    static func decodeList(_ json: String?) -> [String] {
        guard let json else { return [] }
        return (try? JSONDecoder().decode([String].self, from: Data(json.utf8))) ?? []
    }
}
