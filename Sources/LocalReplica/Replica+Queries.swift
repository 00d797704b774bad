import CRMModel
import Foundation
import GRDB
import SyncCore

extension Replica {
    /// Lists clients matching `query`, in its order, from its offset.
    public func clients(_ query: ClientQuery = .init()) throws -> [ClientSummary] {
        let (conditions, found) = Self.conditions(of: query, region: configuration.phoneRegion)
        var arguments = found
        var sql = """
            SELECT c.id, c.name, s.status, c.assignee_id, json_extract(c.phones, '$[0]'), json_extract(c.emails, '$[0]'),
                   (SELECT json_group_array(tag) FROM (SELECT DISTINCT tag FROM client_tag t WHERE t.client_id = c.id ORDER BY tag))
            FROM client c JOIN client_status s ON s.client_id = c.id
            """
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        sql += query.sort == .newest ? " ORDER BY c.created_at DESC, c.id DESC" : " ORDER BY crm_fold(c.name), c.id"
        if query.limit != nil || query.offset > 0 {
            sql += " LIMIT ? OFFSET ?"
            _ = arguments.append(contentsOf: [query.limit ?? -1, query.offset])
        }
        return try read { db in
            try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                ClientSummary(id: row[0], name: row[1], status: row[2], assignee: row[3], phone: row[4], email: row[5],
                              tags: Self.decodeList(row[6]))
            }
        }
    }

    /// How many clients match `query` (its limit and offset aside).
    public func clientCount(_ query: ClientQuery = .init()) throws -> Int {
        let (conditions, arguments) = Self.conditions(of: query, region: configuration.phoneRegion)
        var sql = "SELECT COUNT(*) FROM client c JOIN client_status s ON s.client_id = c.id"
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        return try read { db in try Int.fetchOne(db, sql: sql, arguments: arguments) ?? 0 }
    }

    /// The SQL conditions of a query and their arguments.
    private static func conditions(of query: ClientQuery, region: PhoneNumber.Region?) -> ([String], StatementArguments) {
        var conditions: [String] = []
        var arguments: StatementArguments = []
        if let search = query.search?.trimmingWhitespace(), !search.isEmpty {
            var alternatives = ["instr(crm_fold(c.name), ?) > 0", "instr(crm_fold(c.emails), ?) > 0"]
            _ = arguments.append(contentsOf: [SearchFolding.fold(search), SearchFolding.fold(search)])
            for digits in Self.phoneDigits(search, region: region) {
                alternatives.append("instr(c.phones, ?) > 0")
                _ = arguments.append(contentsOf: [digits])
            }
            conditions.append("(" + alternatives.joined(separator: " OR ") + ")")
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

    /// The digit strings a search text may match in the phones column: the digits as
    /// typed, and the international form when the text reads as a phone number.
    static func phoneDigits(_ search: String, region: PhoneNumber.Region?) -> [String] {
        guard search.allSatisfy({ $0.isNumber || " -.()+".contains($0) }) else { return [] }
        let digits = search.filter(\.isNumber)
        guard digits.count >= 3 else { return [] }
        var result = [digits]
        if let phone = try? PhoneNumber(parsing: search, region: region), phone.e164 != "+" + digits {
            result.append(phone.e164)
        }
        return result
    }

    /// A whole client card, with memos and schedules.
    /// - Throws: ``ReplicaError`` `notFound` when the card is not on this replica.
    public func client(_ id: ClientID) throws -> ClientDetail {
        try read { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT c.id, c.name, c.phones, c.emails, c.birth_date, s.status, c.assignee_id, c.branch_id, c.dormant,
                       c.archive_reason, c.custom_fields, c.created_at
                FROM client c JOIN client_status s ON s.client_id = c.id WHERE c.id = ?
                """, arguments: [id.description]) else {
                throw ReplicaError.notFound(.client, id.description)
            }
            let tags = try String.fetchAll(try db.cachedStatement(sql: "SELECT DISTINCT tag FROM client_tag WHERE client_id = ? ORDER BY tag"), arguments: [id.description])
            let memos = try Row.fetchAll(try db.cachedStatement(sql: "SELECT id, text, type, author_id, created_at FROM memo WHERE client_id = ? ORDER BY created_at, id"), arguments: [id.description]).map {
                MemoView(id: $0[0], text: $0[1], type: $0[2], author: $0[3], createdAt: $0[4])
            }
            let schedules = try Row.fetchAll(db, sql: """
                SELECT s.id, s.starts_at, s.ends_at, s.staff_id, s.room, s.state, j.text
                FROM schedule s LEFT JOIN journal j ON j.schedule_id = s.id
                WHERE s.client_id = ? ORDER BY s.starts_at, s.id
                """, arguments: [id.description]).map {
                ScheduleView(id: $0[0], start: $0[1], end: $0[2], staff: $0[3], room: $0[4], state: $0[5], journal: $0[6])
            }
            let customFields = (try? JSONDecoder().decode([String: String].self, from: Data((row[10] as String).utf8))) ?? [:]
            let ledger = try Row.fetchAll(db, sql: """
                SELECT id, kind, amount, schedule_id, note, created_at FROM ledger_entry WHERE client_id = ? ORDER BY created_at, id
                """, arguments: [id.description]).map {
                LedgerEntryView(id: $0[0], kind: $0[1], amount: $0[2], scheduleId: $0[3], note: $0[4], createdAt: $0[5])
            }
            let balance = try Int64.fetchOne(try db.cachedStatement(sql: "SELECT balance FROM client_balance WHERE client_id = ?"), arguments: [id.description]) ?? 0
            return ClientDetail(
                id: row[0], name: row[1], phones: Self.decodeList(row[2]), emails: Self.decodeList(row[3]), birthDate: row[4],
                status: row[5], assignee: row[6], branch: row[7], dormant: row[8], archiveReason: row[9], tags: tags,
                customFields: customFields, memos: memos, schedules: schedules, createdAt: row[11], balance: balance, ledger: ledger)
        }
    }

    /// Tasks, open ones first, by due date.
    public func tasks(includeDone: Bool = false) throws -> [TaskView] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT id, title, assignee_id, due, client_id, done, kind, branch_id, detail FROM task
                \(includeDone ? "" : "WHERE done = 0") ORDER BY done, due IS NULL, due, id
                """).map {
                TaskView(id: $0[0], title: $0[1], assignee: $0[2], due: $0[3], clientId: $0[4], done: $0[5], kind: $0[6], branchId: $0[7], detail: $0[8])
            }
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
            let row = try Row.fetchOne(try db.cachedStatement(sql: "SELECT site_id, user_id, server_url, last_sync_at, last_error, purge_pending FROM replica_meta WHERE id = 1"))!
            return ReplicaStatus(pending: pending, lastSync: row[3], server: row[2], lastError: row[4], site: row[0], user: row[1], replica: path,
                                 purgePending: row[5])
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
