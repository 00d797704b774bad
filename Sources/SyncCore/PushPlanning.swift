/// The state of one ``PushPlanner/plan(_:_:)`` run: the conflict rules of DESIGN.md applied
/// change by change (protocol/CONFLICTS.md explains them to people).
struct Planning {
    let input: PushPlanner.Input
    var rows: [RowKey: RowState]
    var touched = Set<RowKey>()
    var acks: [Ack] = []
    var log: [PushPlanner.LogEntry] = []
    var deletedClients: [String] = []
    var applied: Int64
    var schedules: [String] = []
    var archivedClients: [String] = []
    var derived: DerivedRows

    init(input: PushPlanner.Input) {
        self.input = input
        rows = input.rows
        applied = input.appliedThrough
        derived = DerivedRows(serverSite: input.serverSite, now: input.now, users: input.users)
    }

    private var site: String { input.site }

    mutating func plan(_ wire: WireChange) {
        guard wire.seq > input.appliedThrough else {
            acks.append(Ack(seq: wire.seq, status: .duplicate))
            return
        }
        applied = wire.seq
        let change = wire.rowChange
        let key = RowKey(change.entity.name, change.rowID)
        guard let entity = ReplicatedSchema.entity(change.entity.name) else { return reject(wire, "unknown_entity", "\(key)") }
        let existing = rows[key]

        if let author = input.author {
            // The client the row belongs to now: an existing row's as stored (a change never
            // moves it), a new row's as the change names it.
            let clientID: String? = switch ClientLink.of(change.entity.name) {
            case .client?: change.rowID
            case .child?: (existing.map { $0.fields["client_id"]?.value ?? .null } ?? change.value(of: "client_id"))?.textValue
            case .conflictRecord?:
                ClientLink.client(ofEntity: change.entity.name, id: change.rowID, fields: existing?.fields.mapValues(\.value) ?? [:], row: { rows[$0] })
            case .organisation?, nil: nil
            }
            var (judged, judgedClientID) = (existing, clientID)
            if input.rules.brokenClientLink, case .child? = ClientLink.of(change.entity.name), let named = change.value(of: "client_id") {
                // The negative control: the client the change names decides, and it may move.
                judged?.fields["client_id"] = FieldState(value: named, hlc: .zero, site: "")
                judgedClientID = named.textValue
            }
            let client = judgedClientID.flatMap { rows[RowKey(EntityKind.client.name, $0)] }
            if let refusal = Permissions.check(change, by: author, existing: judged, clientID: judgedClientID, client: client) {
                return reject(wire, refusal.reason, refusal.detail)
            }
        }
        if let reference = ClientLink.sameClientReferences[change.entity.name], case .text(let target)? = change.value(of: reference.field),
           let owner = rows[RowKey(reference.entity.name, target)]?.fields["client_id"]?.value,
           owner != existing?.fields["client_id"]?.value ?? change.value(of: "client_id") ?? .null {
            return reject(wire, "invalid_reference", "\(key).\(reference.field): \(reference.entity.name) \(target) belongs to another client")
        }
        if entity.appendOnly, existing != nil {
            return reject(wire, "append_only", "\(key): \(entity.kind.name) rows are never changed or deleted; add a new entry instead")
        }
        if existing?.deleted == true {
            if change.operation == .delete {
                // Deleted twice: the outcome the author wanted holds already.
                return acks.append(Ack(seq: wire.seq, status: .applied))
            }
            if change.entity == .memo, parentAlive(entity, existing?.fields) {
                if let problem = ChangeValidation.check(change, rowExists: true) { return reject(wire, problem.code, problem.message) }
                return set(wire, change, key, entity, reviving: existing)
            }
            return editLostToDeletion(wire, change, key)
        }
        let exists = existing != nil
        if let problem = ChangeValidation.check(change, rowExists: exists) {
            return reject(wire, problem.code, problem.message)
        }
        if change.operation == .delete {
            guard let existing else { return reject(wire, "not_found", "\(key) does not exist on the server") }
            return delete(wire, change, key, existing)
        }
        if let parent = entity.parent, case .text(let parentID)? = change.value(of: parent.field) {
            let parentState = rows[RowKey(parent.entity.name, parentID)]
            if parentState?.deleted == true { return editLostToDeletion(wire, change, key) }
            if parentState == nil { return reject(wire, "parent_missing", "\(parent.entity.name) \(parentID) does not exist on the server") }
        }
        set(wire, change, key, entity, reviving: nil)
    }

    /// The client a row belongs to: the row itself for a client, else its `client_id` as
    /// stored (or as `change` sets it, for a row the server does not hold).
    private func client(of key: RowKey, _ change: RowChange?) -> String? {
        if key.entity == EntityKind.client.name { return key.id }
        return (rows[key]?.fields["client_id"]?.value ?? change?.value(of: "client_id"))?.textValue
    }

    private mutating func reject(_ wire: WireChange, _ reason: String, _ detail: String) {
        acks.append(Ack(seq: wire.seq, status: .rejected, reason: reason, detail: detail))
    }

    private func parentAlive(_ entity: ReplicatedSchema.Entity, _ fields: [String: FieldState]?) -> Bool {
        guard let parent = entity.parent, case .text(let parentID)? = fields?[parent.field]?.value else { return true }
        return rows[RowKey(parent.entity.name, parentID)]?.deleted == false
    }

    /// An edit of a row deleted meanwhile (or whose client was): the deletion wins and the
    /// edit is kept in a conflict record.
    private mutating func editLostToDeletion(_ wire: WireChange, _ change: RowChange, _ key: RowKey) {
        let deletion = rows[key]?.fields[RowState.deletionMark] ?? rows[RowKey(EntityKind.client.name, change.value(of: "client_id")?.textValue ?? "")]?.fields[RowState.deletionMark]
        derived.conflict(.editOfDeleted, row: key, client: client(of: key, change), field: nil,
                         kept: .init(.null, site: deletion?.site ?? input.serverSite, hlc: deletion?.hlc ?? change.hlc),
                         other: .init(DerivedRows.json(change.fields), site: site, hlc: change.hlc), cause: (site, wire.seq))
        acks.append(Ack(seq: wire.seq, status: .applied, superseded: change.fields.map(\.field)))
    }

    /// Fields of the row that changed after the deleting replica read it (its base, sent
    /// with the deletion). The site is not asked: a merged memo text carries the stamp of
    /// the deleting site's own edit while holding words it never saw.
    private func unseenEdits(_ existing: RowState, base: [String: FieldValue]?) -> [(String, FieldState)] {
        guard let base else { return [] }
        return existing.fields.filter { name, state in
            base[name].map { $0 != state.value } == true
        }.sorted { $0.key < $1.key }
    }

    private mutating func delete(_ wire: WireChange, _ change: RowChange, _ key: RowKey, _ existing: RowState) {
        let unseen = unseenEdits(existing, base: wire.b)
        if change.entity == .memo, let latest = unseen.map(\.1).max(by: { $0.hlc < $1.hlc }) {
            // A memo edited elsewhere is not deleted: the edit survives, the deletion is recorded.
            derived.conflict(.memoDeleteRefused, row: key, client: client(of: key, change), field: nil,
                             kept: .init(existing.fields["text"]?.value ?? .null, site: latest.site, hlc: latest.hlc),
                             other: .init(.null, site: site, hlc: change.hlc), cause: (site, wire.seq))
            return acks.append(Ack(seq: wire.seq, status: .applied, superseded: ["*"]))
        }
        if let latest = unseen.map(\.1).max(by: { $0.hlc < $1.hlc }) {
            // The deletion wins; the edit it had not seen is kept in the record.
            derived.conflict(.editOfDeleted, row: key, client: client(of: key, change), field: nil,
                             kept: .init(.null, site: site, hlc: change.hlc),
                             other: .init(DerivedRows.json(unseen.map { FieldAssignment($0.0, $0.1.value) }), site: latest.site, hlc: latest.hlc),
                             cause: (site, wire.seq))
        }
        // The tombstone records who deleted the row and when.
        var fields = existing.fields
        fields[RowState.deletionMark] = FieldState(value: .null, hlc: change.hlc, site: site)
        rows[key] = RowState(deleted: true, fields: fields)
        touched.insert(key)
        if change.entity == .client { deletedClients.append(change.rowID) }
        acks.append(Ack(seq: wire.seq, status: .applied))
        log.append(.init(ackIndex: acks.count - 1, change: change))
    }

    private mutating func set(_ wire: WireChange, _ change: RowChange, _ key: RowKey, _ entity: ReplicatedSchema.Entity, reviving tombstone: RowState?) {
        let exists = rows[key] != nil && tombstone == nil
        var state = tombstone.map { RowState(deleted: false, fields: $0.fields.filter { $0.key != RowState.deletionMark }) } ?? rows[key] ?? RowState()
        var won: [FieldAssignment] = []
        var lost: [String] = []
        for assignment in change.fields {
            let field = entity.field(assignment.field)
            let current = state.fields[assignment.field]
            let base = wire.b?[assignment.field]
            let incoming = DerivedRows.Side(assignment.value, site: site, hlc: change.hlc)
            if field?.mergesText == true, !input.rules.brokenMemoMerge, let current, let merged = PushPlanner.mergeText(current: current, incoming: assignment.value, base: base, hlc: change.hlc, site: site) {
                // Concurrent edits of merging text: both survive, merged against the base.
                state.fields[assignment.field] = merged.state
                won.append(FieldAssignment(assignment.field, merged.state.value))
                if merged.state.value != assignment.value { lost.append(assignment.field) }
                let tooLong = merged.state.value.textCount > (field.flatMap(\.maxLength) ?? .max)
                if merged.conflicted || tooLong {
                    let (later, earlier) = current.isReplaced(byHLC: change.hlc, site: site)
                        ? (incoming, DerivedRows.Side(current.value, site: current.site, hlc: current.hlc))
                        : (DerivedRows.Side(current.value, site: current.site, hlc: current.hlc), incoming)
                    derived.conflict(merged.conflicted ? .memoOverlap : .memoTooLong, row: key, client: client(of: key, change), field: assignment.field,
                                     kept: later, other: earlier, flagged: tooLong, cause: (site, wire.seq))
                }
            } else if let current, !current.isReplaced(byHLC: change.hlc, site: site) {
                lost.append(assignment.field)
                if field?.mergesText != true, isConcurrent(current, assignment.value, base: base) {
                    sameField(key, assignment.field, kept: .init(current.value, site: current.site, hlc: current.hlc), other: incoming, seq: wire.seq)
                }
            } else {
                if field?.mergesText != true, let current, isConcurrent(current, assignment.value, base: base) {
                    sameField(key, assignment.field, kept: incoming, other: .init(current.value, site: current.site, hlc: current.hlc), seq: wire.seq)
                }
                state.fields[assignment.field] = FieldState(value: assignment.value, hlc: change.hlc, site: site)
                won.append(assignment)
            }
        }
        let wasArchived = rows[key]?.fields["archive_reason"]?.value.textValue != nil && tombstone == nil
        rows[key] = state
        touched.insert(key)
        if change.entity == .client, !wasArchived, state.fields["archive_reason"]?.value.textValue != nil {
            archivedClients.append(change.rowID)
        }
        if change.entity == .schedule {
            schedules.append(change.rowID)
            if !exists, let client = state.fields["client_id"]?.value.textValue,
               let archived = rows[RowKey(EntityKind.client.name, client)], archived.fields["archive_reason"]?.value.textValue != nil {
                // Booked offline for a client archived meanwhile: kept, and flagged.
                let title = BookingRules.archivedBookingTitle(client: archived.fields["name"]?.value.textValue ?? client,
                                                              startsAt: state.fields["starts_at"]?.value.textValue)
                derived.task(.archivedBooking, title: title,
                             assignee: nil, client: client, branch: archived.fields["branch_id"]?.value.textValue, detail: change.rowID,
                             hlc: change.hlc, cause: [change.rowID])
            }
        }
        acks.append(Ack(seq: wire.seq, status: .applied, superseded: lost.isEmpty ? nil : lost))
        if tombstone != nil {
            // Replicas deleted the row: bring it back whole.
            let whole = state.fields.sorted { $0.key < $1.key }.map { FieldAssignment($0.key, $0.value.value) }
            log.append(.init(ackIndex: acks.count - 1, change: RowChange(seq: change.seq, hlc: change.hlc, entity: change.entity, rowID: change.rowID, operation: .set, fields: whole)))
            let deletion = tombstone?.fields[RowState.deletionMark]
            derived.conflict(.memoDeleteRefused, row: key, client: client(of: key, change), field: nil, kept: .init(state.fields["text"]?.value ?? .null, site: site, hlc: change.hlc),
                             other: .init(.null, site: deletion?.site ?? site, hlc: deletion?.hlc ?? change.hlc), cause: (site, wire.seq))
        } else if !won.isEmpty || !exists {
            log.append(.init(ackIndex: acks.count - 1, change: RowChange(seq: change.seq, hlc: change.hlc, entity: change.entity, rowID: change.rowID, operation: .set, fields: won)))
        }
    }

    /// Whether an edit was made without seeing the value the server holds: it started from
    /// another value (its base), the two differ, and another site wrote the current one.
    private func isConcurrent(_ current: FieldState, _ incoming: FieldValue, base: FieldValue?) -> Bool {
        guard let base else { return false }
        return current.site != site && current.value != base && current.value != incoming
    }

    private mutating func sameField(_ key: RowKey, _ field: String, kept: DerivedRows.Side, other: DerivedRows.Side, seq: Int64) {
        derived.conflict(.sameField, row: key, client: client(of: key, nil), field: field, kept: kept, other: other, cause: (site, seq))
        guard key.entity == EntityKind.client.name, field == "assignee_id" else { return }
        // Both staff members hear of it: the one who has the client, and the one who does not.
        let name = rows[key]?.fields["name"]?.value.textValue ?? key.id
        let branch = rows[key]?.fields["branch_id"]?.value.textValue
        for side in [kept, other] {
            guard let staff = side.value.textValue else { continue }
            let holds = side.value == kept.value
            derived.task(.assigneeNotice, title: holds ? "Client \(name) is assigned to you; another office chose someone else at the same time"
                                                       : "Client \(name) went to another staff member; your office's assignment lost",
                         assignee: staff, client: key.id, branch: branch,
                         detail: "kept \(kept.value.textValue ?? "nobody"), other \(other.value.textValue ?? "nobody")",
                         hlc: max(kept.hlc, other.hlc), cause: [key.id, staff, site, String(seq)])
        }
    }
}

extension FieldValue {
    /// The text, or `nil` for NULL and numbers.
    public var textValue: String? {
        if case .text(let text) = self { return text }
        return nil
    }

    /// The number of characters of a text value (0 otherwise).
    var textCount: Int { textValue?.count ?? 0 }
}

extension ReplicatedSchema.Field {
    /// The text limit, if any.
    var maxLength: Int? {
        if case .text(let maxLength, _) = kind { return maxLength }
        return nil
    }
}
