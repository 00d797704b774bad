import Foundation
import GRDB
import SQLiteBinding
import SyncCore

extension SQLiteSyncStorage {
    public func register(site: String, device: Device) async throws -> Registration {
        try await pool.write { db in
            if let owner = try String.fetchOne(try db.cachedStatement(sql: "SELECT device_id FROM device_site WHERE site_id = ?"), arguments: [site]) {
                return owner == device.id ? .registered : .anotherDevice
            }
            // Each site costs a holding per visible bucket: a device does not get unlimited ones.
            let sites = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM device_site WHERE device_id = ?", arguments: [device.id]) ?? 0
            guard sites < Self.sitesPerDevice else { return .tooManySites(limit: Self.sitesPerDevice) }
            try db.cachedStatement(sql: "INSERT INTO device_site (site_id, device_id) VALUES (?, ?)").execute(arguments: [site, device.id])
            return .registered
        }
    }

    /// The most replicas (sites) one device token may register.
    public static let sitesPerDevice = 20

    public func push(_ request: PushRequest, device: Device, now: Int64, maxSkewMillis: Int64) async throws -> Result<PushResponse, ErrorResponse> {
        try await pool.write { db in
            guard let owner = try String.fetchOne(try db.cachedStatement(sql: "SELECT device_id FROM device_site WHERE site_id = ?"), arguments: [request.site]),
                  owner == device.id else {
                return .failure(ErrorResponse(code: "site_not_registered", message: "site \(request.site) is not registered to this device"))
            }
            return try Self.apply(request.changes, site: request.site, db: db, now: now, maxSkewMillis: maxSkewMillis, rules: rules, author: device)
        }
    }

    /// Plans and writes a batch inside the caller's transaction.
    /// `author` is the pushing device, whose rights each change is checked against; `nil`
    /// for the server's own writes.
    static func apply(_ changes: [WireChange], site: String, db: Database, now: Int64, maxSkewMillis: Int64,
                      rules: PushPlanner.Rules = .init(), author: Device? = nil) throws -> Result<PushResponse, ErrorResponse> {
        let applied = try Int64.fetchOne(try db.cachedStatement(sql: "SELECT applied_seq FROM site_state WHERE site_id = ?"), arguments: [site]) ?? 0
        if let refusal = PushPlanner.checkBatch(changes, appliedThrough: applied, now: now, maxSkewMillis: maxSkewMillis) {
            return .failure(refusal)
        }
        let keys = PushPlanner.keysToLoad(changes.filter { $0.seq > applied })
        var loaded = try loadRows(keys, db: db)
        // What those rows refer to, and what that refers to (an old conflict record's row,
        // then its client); keys already tried are not tried again.
        var tried = keys
        for _ in 0..<3 {
            let missing = PushPlanner.parentKeys(of: loaded).subtracting(tried)
            if missing.isEmpty { break }
            tried.formUnion(missing)
            loaded.merge(try loadRows(missing, db: db)) { old, _ in old }
        }
        let server = try serverSite(db)
        var plan = PushPlanner.plan(changes, .init(site: site, appliedThrough: applied, rows: loaded, serverSite: server, now: now,
                                                   users: try users(of: PushPlanner.sites(in: loaded, and: site), db: db), rules: rules,
                                                   author: author?.author))
        let recalled = try recallRefusals(&plan.acks, site: site, db: db)
        let records = SQLiteRecords(db: db)
        try BookingRuleSteps.applyBookingRules(&plan, serverSite: server, now: now, store: records)
        try BookingRuleSteps.applyArchiveRules(&plan, serverSite: server, now: now, store: records)
        try writeRows(plan.rows, before: loaded, db: db)
        for client in plan.deletedClients { try cascadeDelete(client: client, db: db) }
        let insert = try db.cachedStatement(sql: "INSERT INTO change_log (site, seq, wire, created_at, scope, client_id, access) VALUES (?, ?, ?, ?, ?, ?, ?)")
        // Each entry's bucket, so pulls can be filtered to what each device may see.
        var pushedBuckets = Set<Revoke>()
        // Whether an entry changes who may see a client: 2 creates it, 1 moves, reassigns
        // or deletes it (pulls re-examine those clients only).
        var created = Set<String>()
        func accessChange(_ change: RowChange) -> Int64 {
            guard change.entity == .client else { return 0 }
            if loaded[RowKey(EntityKind.client.name, change.rowID)] == nil, created.insert(change.rowID).inserted { return 2 }
            return change.operation == .delete || change.fields.contains { $0.field == "branch_id" || $0.field == "assignee_id" } ? 1 : 0
        }
        func place(_ change: RowChange) throws -> [FieldValue] {
            let key = RowKey(change.entity.name, change.rowID)
            // Placement needs only the client a row belongs to (ClientLink), from the row as
            // it is after the change (an edit carries only the fields it set).
            let stored = (plan.rows[key] ?? loaded[key])?.fields
            let client: String? = switch ClientLink.of(change.entity.name) {
            case .child?: (change.value(of: "client_id") ?? stored?["client_id"]?.value)?.textValue
            case .conflictRecord?:
                ClientLink.client(ofEntity: change.entity.name, id: change.rowID,
                                  fields: (stored?.mapValues(\.value) ?? [:]).merging(change.fields.map { ($0.field, $0.value) }) { $1 },
                                  row: { plan.rows[$0] ?? loaded[$0] })
            case .client?: change.rowID
            case .organisation?, nil: nil
            }
            let placed = Buckets.place(entity: change.entity.name, rowID: change.rowID, fields: ["client_id": client.map(FieldValue.text) ?? .null])
            return [.text(placed.scope.rawValue), placed.client.map(FieldValue.text) ?? .null, .integer(accessChange(change))]
        }
        // Rows made by rule take the server's next sequence numbers (after the change that
        // caused them, when the server itself is writing).
        var serverSeq = max(try Int64.fetchOne(try db.cachedStatement(sql: "SELECT next_seq FROM server_meta WHERE id = 1")) ?? 1,
                            site == server ? plan.appliedThrough + 1 : 1)
        let firstServerSeq = serverSeq
        for entry in plan.log {
            if let ackIndex = entry.ackIndex {
                let placed = try place(entry.change)
                if case .text(let scope) = placed[0], let scope = Buckets.Scope(rawValue: scope), scope != .org, case .text(let client) = placed[1] {
                    pushedBuckets.insert(Revoke(client: client, scope: scope))
                }
                try RawStatement.execute(insert, .text(site), [.integer(entry.change.seq), .text(WireEncoding.change(entry.change, site: site)), .integer(now)] + placed)
                plan.acks[ackIndex].position = db.lastInsertedRowID
            } else {
                // A row made by rule: logged as the server's own change.
                let derived = entry.change
                let change = RowChange(seq: serverSeq, hlc: derived.hlc, entity: derived.entity, rowID: derived.rowID, operation: derived.operation, fields: derived.fields)
                serverSeq += 1
                try RawStatement.execute(insert, .text(server), [.integer(change.seq), .text(WireEncoding.change(change, site: server)), .integer(now)] + place(change))
            }
        }
        try recordPushedBuckets(pushedBuckets, site: site, newClients: { loaded[RowKey(EntityKind.client.name, $0)] == nil }, db: db)
        if serverSeq != firstServerSeq {
            try db.cachedStatement(sql: "UPDATE server_meta SET next_seq = ? WHERE id = 1").execute(arguments: [serverSeq])
            try recordApplied(site: server, through: serverSeq - 1, db: db)
        }
        try recordApplied(site: site, through: plan.appliedThrough, db: db)
        try auditRefusals(plan.acks.filter { !recalled.contains($0.seq) }, changes, site: site, user: author?.userID, now: now, db: db)
        return .success(PushResponse(acks: plan.acks, appliedThrough: plan.appliedThrough, serverTime: now))
    }

    /// Answers changes pushed again (their first reply was lost) with the refusal they met
    /// the first time, so the replica keeps them in its rejected list instead of taking
    /// them for applied. Returns their sequence numbers.
    private static func recallRefusals(_ acks: inout [Ack], site: String, db: Database) throws -> Set<Int64> {
        var recalled = Set<Int64>()
        let statement = try db.cachedStatement(sql: "SELECT reason, detail FROM refused_change WHERE site = ? AND seq = ? ORDER BY id DESC LIMIT 1")
        for index in acks.indices where acks[index].status == .duplicate {
            guard let refusal = try Row.fetchOne(statement, arguments: [site, acks[index].seq]) else { continue }
            acks[index] = Ack(seq: acks[index].seq, status: .rejected, reason: refusal[0], detail: refusal[1])
            recalled.insert(acks[index].seq)
        }
        return recalled
    }

    /// Keeps every refused change in the audit, in the push's transaction.
    private static func auditRefusals(_ acks: [Ack], _ changes: [WireChange], site: String, user: String?, now: Int64, db: Database) throws {
        let bySeq = Dictionary(changes.map { ($0.seq, $0) }, uniquingKeysWith: { first, _ in first })
        for ack in acks where ack.status == .rejected {
            guard let change = bySeq[ack.seq] else { continue }
            let fields = change.f.map { DerivedRows.json($0.map { FieldAssignment($0.key, $0.value) }).textValue ?? "{}" }
            try db.cachedStatement(sql: """
                INSERT INTO refused_change (at, user_id, site, seq, entity, row_id, fields, reason, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [now, user, site, change.seq, change.e, change.r, fields, ack.reason ?? "rejected", ack.detail])
        }
    }

    private static func recordApplied(site: String, through seq: Int64, db: Database) throws {
        try db.execute(sql: """
            INSERT INTO site_state (site_id, applied_seq) VALUES (?, ?)
            ON CONFLICT (site_id) DO UPDATE SET applied_seq = MAX(applied_seq, excluded.applied_seq)
            """, arguments: [site, seq])
    }

    static func serverSite(_ db: Database) throws -> String {
        try String.fetchOne(try db.cachedStatement(sql: "SELECT site_id FROM server_meta WHERE id = 1")) ?? ""
    }

    /// The staff member behind each of `sites` (the server's own site has none).
    private static func users(of sites: Set<String>, db: Database) throws -> [String: String] {
        var users: [String: String] = [:]
        let statement = try db.cachedStatement(sql: "SELECT d.user_id FROM device_site s JOIN device d ON d.id = s.device_id WHERE s.site_id = ?")
        for site in sites {
            if let user = try String.fetchOne(statement, arguments: [site]) { users[site] = user }
        }
        return users
    }

    static func loadRows(_ keys: Set<RowKey>, db: Database) throws -> [RowKey: RowState] {
        var rows: [RowKey: RowState] = [:]
        let statement = try db.cachedStatement(sql: "SELECT deleted, fields FROM record WHERE entity = ? AND row_id = ?")
        for key in keys {
            guard let row = try Row.fetchOne(statement, arguments: [key.entity, key.id]) else { continue }
            rows[key] = RowState(deleted: row[0], fields: try StoredFields.decode(row[1]))
        }
        return rows
    }

    private static func writeRows(_ rows: [RowKey: RowState], before: [RowKey: RowState], db: Database) throws {
        let statement = try db.cachedStatement(sql: """
            INSERT INTO record (entity, row_id, deleted, client_id, fields) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (entity, row_id) DO UPDATE SET deleted = excluded.deleted, client_id = excluded.client_id, fields = excluded.fields
            """)
        for (key, state) in rows where before[key] != state {
            // The client a row belongs to (none for a client row itself).
            let client: String? = switch ClientLink.of(key.entity) {
            case .child?: state.fields["client_id"]?.value.textValue
            case .conflictRecord?: ClientLink.client(ofEntity: key.entity, id: key.id, fields: state.fields.mapValues(\.value), row: { rows[$0] ?? before[$0] })
            case .client?, .organisation?, nil: nil
            }
            try RawStatement.execute(statement, .text(key.entity), [.text(key.id), .integer(state.deleted ? 1 : 0), client.map(FieldValue.text) ?? .null,
                                                                   .text(StoredFields.encode(state.fields))])
        }
    }

    /// Deletes a client's child rows as the replicas' foreign keys do: they become
    /// tombstones. Not logged: every replica does the same when it applies the client's
    /// deletion.
    private static func cascadeDelete(client: String, db: Database) throws {
        // Its schedules book nobody any more.
        try db.cachedStatement(sql: "DELETE FROM booking WHERE client_id = ?").execute(arguments: [client])
        for child in ReplicatedSchema.childrenOfClient {
            guard let parent = child.parent else { continue }
            switch parent.rule {
            case .cascade:
                try db.cachedStatement(sql: "UPDATE record SET deleted = 1 WHERE client_id = ? AND entity = ?").execute(arguments: [client, child.kind.name])
            }
        }
    }

    /// The client a conflict record is about: the row itself when it is a client, else that
    /// row's client (`known` when the caller holds the row, read from the store otherwise).
    static func conflictClient(entity: String, id: String, known: RowState?, db: Database) throws -> FieldValue? {
        if entity == EntityKind.client.name { return .text(id) }
        return try (known ?? loadRows([RowKey(entity, id)], db: db)[RowKey(entity, id)])?.fields["client_id"]?.value
    }

    /// Whether `author` may hold a row of `entity` with `fields` now (`clients` caches the
    /// access of the clients looked up).
    static func visible(entity: String, id: String, fields: [String: FieldValue], to author: Permissions.Author,
                        clients: inout [String: RowState?], db: Database) throws -> Bool {
        var fields = fields
        if entity == EntityKind.conflict.name, fields["client_id"]?.textValue == nil, let about = fields["entity"]?.textValue, let aboutID = fields["entity_id"]?.textValue {
            fields["client_id"] = try conflictClient(entity: about, id: aboutID, known: nil, db: db)
        }
        let placed = Buckets.place(entity: entity, rowID: id, fields: fields)
        let client = try placed.client.flatMap { try access(ofClient: $0, cache: &clients, db: db) }
        return Buckets.visible(placed.scope, client: client, to: author)
    }
}
