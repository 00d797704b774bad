import SyncCore

/// A push, applied by the server's rules over any ``RecordStore``, inside the caller's
/// transaction: the batch checked, the rows it touches loaded, the plan made
/// (``PushPlanner``), booking and archive rules run, rows written, cascades made, each
/// entry placed in its bucket and appended to the log last, progress and refusals recorded.
package enum PushSteps {
    /// Plans and writes a batch. `author` is the pushing device, whose rights each change
    /// is checked against; `nil` for the server's own writes.
    package static func apply(_ changes: [WireChange], site: String, now: Int64, maxSkewMillis: Int64,
                      rules: PushPlanner.Rules = .init(), author: Device? = nil, store: some RecordStore) throws -> Result<PushResponse, ErrorResponse> {
        let applied = try store.appliedSeq(site: site)
        if let refusal = PushPlanner.checkBatch(changes, appliedThrough: applied, now: now, maxSkewMillis: maxSkewMillis) {
            return .failure(refusal)
        }
        let keys = PushPlanner.keysToLoad(changes.filter { $0.seq > applied })
        var loaded = try store.rows(keys)
        // What those rows refer to, and what that refers to (an old conflict record's row,
        // then its client); keys already tried are not tried again.
        var tried = keys
        for _ in 0..<3 {
            let missing = PushPlanner.parentKeys(of: loaded).subtracting(tried)
            if missing.isEmpty { break }
            tried.formUnion(missing)
            loaded.merge(try store.rows(missing)) { old, _ in old }
        }
        let server = try store.serverSite()
        var plan = PushPlanner.plan(changes, .init(site: site, appliedThrough: applied, rows: loaded, serverSite: server, now: now,
                                                   users: try store.users(ofSites: PushPlanner.sites(in: loaded, and: site)), rules: rules,
                                                   author: author?.author))
        let recalled = try recallRefusals(&plan.acks, site: site, store: store)
        try BookingRuleSteps.applyBookingRules(&plan, serverSite: server, now: now, store: store)
        try BookingRuleSteps.applyArchiveRules(&plan, serverSite: server, now: now, store: store)
        try store.writeRows(plan.rows.compactMap { key, state in
            loaded[key] == state ? nil : StoredRow(key: key, state: state, client: owner(of: key, state, rows: { plan.rows[$0] ?? loaded[$0] }))
        }.sorted { ($0.key.entity, $0.key.id) < ($1.key.entity, $1.key.id) })
        for client in plan.deletedClients { try cascadeDelete(client: client, store: store) }

        var placement = Placement(loaded: loaded, planned: plan.rows)
        var entries: [LogEntry] = []
        var ackIndices: [Int?] = []
        // Rows made by rule take the server's next sequence numbers (after the change that
        // caused them, when the server itself is writing), read only when there are some: a
        // store may lock them.
        var serverSeq: Int64?
        for entry in plan.log {
            if entry.ackIndex != nil {
                entries.append(placement.entry(entry.change, site: site, now: now))
            } else {
                // A row made by rule: logged as the server's own change.
                let derived = entry.change
                let seq = try serverSeq ?? max(try store.nextServerSeq(), site == server ? plan.appliedThrough + 1 : 1)
                serverSeq = seq + 1
                let change = RowChange(seq: seq, hlc: derived.hlc, entity: derived.entity, rowID: derived.rowID, operation: derived.operation, fields: derived.fields)
                entries.append(placement.entry(change, site: server, now: now))
            }
            ackIndices.append(entry.ackIndex)
        }
        try recordPushedBuckets(placement.pushedBuckets(entries, ackIndices: ackIndices), site: site,
                                newClients: { loaded[RowKey(EntityKind.client.name, $0)] == nil }, store: store)
        if let serverSeq {
            try store.setNextServerSeq(serverSeq)
            try store.recordApplied(site: server, through: serverSeq - 1)
        }
        try store.recordApplied(site: site, through: plan.appliedThrough)
        try auditRefusals(plan.acks.filter { !recalled.contains($0.seq) }, changes, site: site, user: author?.userID, now: now, store: store)
        // The log last: a store that numbers positions from a shared head holds it for the
        // shortest time (ADR 0008).
        let positions = try store.appendLog(entries)
        for (index, ackIndex) in ackIndices.enumerated() {
            if let ackIndex { plan.acks[ackIndex].position = positions[index] }
        }
        return .success(PushResponse(acks: plan.acks, appliedThrough: plan.appliedThrough, serverTime: now))
    }

    /// The client a stored row belongs to (none for a client row itself).
    static func owner(of key: RowKey, _ state: RowState, rows: (RowKey) -> RowState?) -> String? {
        switch ClientLink.of(key.entity) {
        case .child?: state.fields["client_id"]?.value.textValue
        case .conflictRecord?: ClientLink.client(ofEntity: key.entity, id: key.id, fields: state.fields.mapValues(\.value), row: rows)
        case .client?, .organisation?, nil: nil
        }
    }

    /// Places log entries in their buckets, as the rows are after the push.
    private struct Placement {
        let loaded: [RowKey: RowState]
        let planned: [RowKey: RowState]
        /// Clients created by an entry already placed.
        var created = Set<String>()

        /// Whether an entry changes who may see a client: 2 creates it, 1 moves, reassigns
        /// or deletes it (pulls re-examine those clients only).
        mutating func accessChange(_ change: RowChange) -> Int64 {
            guard change.entity == .client else { return 0 }
            if loaded[RowKey(EntityKind.client.name, change.rowID)] == nil, created.insert(change.rowID).inserted { return 2 }
            return change.operation == .delete || change.fields.contains { $0.field == "branch_id" || $0.field == "assignee_id" } ? 1 : 0
        }

        /// The log entry of `change`: placement needs only the client a row belongs to
        /// (``ClientLink``), from the row as it is after the change (an edit carries only
        /// the fields it set).
        mutating func entry(_ change: RowChange, site: String, now: Int64) -> LogEntry {
            let key = RowKey(change.entity.name, change.rowID)
            let stored = (planned[key] ?? loaded[key])?.fields
            let client: String? = switch ClientLink.of(change.entity.name) {
            case .child?: (change.value(of: "client_id") ?? stored?["client_id"]?.value)?.textValue
            case .conflictRecord?:
                ClientLink.client(ofEntity: change.entity.name, id: change.rowID,
                                  fields: (stored?.mapValues(\.value) ?? [:]).merging(change.fields.map { ($0.field, $0.value) }) { $1 },
                                  row: { planned[$0] ?? loaded[$0] })
            case .client?: change.rowID
            case .organisation?, nil: nil
            }
            let placed = Buckets.place(entity: change.entity.name, rowID: change.rowID, fields: ["client_id": client.map(FieldValue.text) ?? .null])
            return LogEntry(site: site, seq: change.seq, wire: WireEncoding.change(change, site: site), createdAt: now,
                            scope: placed.scope, client: placed.client, access: accessChange(change))
        }

        /// The client buckets the pushing site's own changes wrote to.
        func pushedBuckets(_ entries: [LogEntry], ackIndices: [Int?]) -> Set<Revoke> {
            var buckets = Set<Revoke>()
            for (entry, ackIndex) in zip(entries, ackIndices) where ackIndex != nil && entry.scope != .org {
                if let client = entry.client { buckets.insert(Revoke(client: client, scope: entry.scope)) }
            }
            return buckets
        }
    }

    /// Answers changes pushed again (their first reply was lost) with the refusal they met
    /// the first time, so the replica keeps them in its rejected list instead of taking
    /// them for applied. Returns their sequence numbers.
    private static func recallRefusals(_ acks: inout [Ack], site: String, store: some RecordStore) throws -> Set<Int64> {
        var recalled = Set<Int64>()
        for index in acks.indices where acks[index].status == .duplicate {
            guard let refusal = try store.recordedRefusal(site: site, seq: acks[index].seq) else { continue }
            acks[index] = Ack(seq: acks[index].seq, status: .rejected, reason: refusal.reason, detail: refusal.detail)
            recalled.insert(acks[index].seq)
        }
        return recalled
    }

    /// Keeps every refused change in the audit, in the push's transaction.
    private static func auditRefusals(_ acks: [Ack], _ changes: [WireChange], site: String, user: String?, now: Int64, store: some RecordStore) throws {
        let bySeq = Dictionary(changes.map { ($0.seq, $0) }, uniquingKeysWith: { first, _ in first })
        let refused: [RefusedChange] = acks.compactMap { ack in
            guard ack.status == .rejected, let change = bySeq[ack.seq] else { return nil }
            let fields = change.f.map { DerivedRows.json($0.map { FieldAssignment($0.key, $0.value) }).textValue ?? "{}" }
            return RefusedChange(at: now, userId: user, site: site, seq: change.seq, entity: change.e, rowId: change.r, fields: fields,
                                 reason: ack.reason ?? "rejected", detail: ack.detail)
        }
        if !refused.isEmpty { try store.audit(refused) }
    }

    /// Deletes a client's child rows as the replicas' foreign keys do: they become
    /// tombstones. Not logged: every replica does the same when it applies the client's
    /// deletion. Its schedules book nobody any more.
    private static func cascadeDelete(client: String, store: some RecordStore) throws {
        try store.unindexBookings(ofClient: client)
        for child in ReplicatedSchema.childrenOfClient {
            guard let parent = child.parent else { continue }
            switch parent.rule {
            case .cascade: try store.tombstoneChildren(ofClient: client, entity: child.kind.name)
            }
        }
    }

    /// Records that a tracked site holds rows of the buckets its push wrote to: it wrote
    /// them itself. A bucket of a client this push created is held (the log brings the rest
    /// of it, all logged after the site's cursor); any other bucket it had no holding of is
    /// owed whole (it may lack the rest) and revoked if its user may not see it.
    private static func recordPushedBuckets(_ buckets: Set<Revoke>, site: String, newClients: (String) -> Bool, store: some RecordStore) throws {
        guard !buckets.isEmpty, try store.tracksHoldings(site: site) else { return }
        try store.addHoldings(site: site, Dictionary(uniqueKeysWithValues: buckets.map { ($0, newClients($0.client) ? Holding.held : .want) }))
    }
}
