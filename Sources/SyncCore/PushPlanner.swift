/// Decides what a push does, without I/O: which changes are duplicates, which are refused
/// and why, which fields win the merge, what goes into the global log, and the reply.
///
/// The server loads the state the push touches (``PushPlanner/Input``), asks the planner
/// for a ``PushPlan``, and writes the plan in the same transaction. Planning is
/// infallible once the request is well-formed; a malformed batch (sequence gap, clock far
/// ahead) yields an error and no writes.
public enum PushPlanner {
    /// What the planner needs to know.
    public struct Input: Sendable {
        /// The pushing site.
        public var site: String
        /// The highest sequence number of this site already applied.
        public var appliedThrough: Int64
        /// The server's state of every row the batch touches, and of the clients that
        /// new child rows refer to; rows absent from the map do not exist on the server.
        public var rows: [RowKey: RowState]

        /// Creates an input.
        public init(site: String, appliedThrough: Int64, rows: [RowKey: RowState]) {
            self.site = site
            self.appliedThrough = appliedThrough
            self.rows = rows
        }
    }

    /// One entry for the global log, and the row writes it stands for.
    public struct LogEntry: Sendable, Equatable {
        /// The index of the ack this entry's position belongs to.
        public var ackIndex: Int
        /// The change, reduced to the fields that won (all of them for a delete).
        public var change: RowChange
    }

    /// What to write and what to answer.
    public struct Plan: Sendable {
        /// One per pushed change, in order; positions are filled in when the log is written.
        public var acks: [Ack]
        /// Entries to append to the global log, in order.
        public var log: [LogEntry]
        /// The final state of every row the plan changed.
        public var rows: [RowKey: RowState]
        /// Clients deleted by this plan: their child rows go with them.
        public var deletedClients: [String]
        /// The site's new highest applied sequence number.
        public var appliedThrough: Int64
    }

    /// The rows a batch needs loaded: the rows it changes and the clients new child rows
    /// refer to.
    public static func keysToLoad(_ changes: [WireChange]) -> Set<RowKey> {
        var keys = Set<RowKey>()
        for change in changes {
            keys.insert(RowKey(change.e, change.r))
            if let entity = ReplicatedSchema.entity(change.e), let parent = entity.parent,
               case .text(let parentID)? = change.f?[parent.field] {
                keys.insert(RowKey(parent.entity.name, parentID))
            }
        }
        return keys
    }

    /// Checks the shape of every change (known entities and fields, values of the right
    /// type): a batch with a malformed change is refused whole, before anything is stored.
    public static func checkShapes(_ changes: [WireChange]) -> ErrorResponse? {
        for (index, change) in changes.enumerated() {
            if let problem = ChangeValidation.checkShape(change.rowChange) {
                return ErrorResponse(code: problem.code, message: "changes[\(index)] (seq \(change.seq)): \(problem.message)")
            }
        }
        return nil
    }

    /// Checks the batch as a whole: consecutive sequence numbers that continue the site's,
    /// and clocks no further ahead than allowed.
    public static func checkBatch(_ changes: [WireChange], appliedThrough: Int64, now: Int64, maxSkewMillis: Int64) -> ErrorResponse? {
        guard let first = changes.first else { return nil }
        guard first.seq >= 1, first.seq <= appliedThrough + 1 else {
            return ErrorResponse(code: "sequence_gap", message: "push starts at seq \(first.seq); the server expects \(appliedThrough + 1)",
                                 expectedSeq: appliedThrough + 1)
        }
        for (previous, next) in zip(changes, changes.dropFirst()) where next.seq != previous.seq + 1 {
            return ErrorResponse(code: "sequence_gap", message: "seq \(next.seq) follows \(previous.seq): a push must be consecutive",
                                 expectedSeq: previous.seq + 1)
        }
        if let ahead = changes.first(where: { $0.seq > appliedThrough && HLCTimestamp(packed: $0.hlc).millis > now + maxSkewMillis }) {
            let millis = HLCTimestamp(packed: ahead.hlc).millis
            return ErrorResponse(code: "clock_skew",
                                 message: "change seq \(ahead.seq) is stamped \(millis - now) ms ahead of the server; the limit is \(maxSkewMillis) ms",
                                 serverTime: now, offsetMillis: now - millis)
        }
        return nil
    }

    /// Plans a batch that passed ``checkBatch(_:appliedThrough:now:maxSkewMillis:)``.
    public static func plan(_ changes: [WireChange], _ input: Input) -> Plan {
        var rows = input.rows
        var touched = Set<RowKey>()
        var acks: [Ack] = []
        var log: [LogEntry] = []
        var deletedClients: [String] = []
        var applied = input.appliedThrough

        for wire in changes {
            guard wire.seq > input.appliedThrough else {
                acks.append(Ack(seq: wire.seq, status: .duplicate))
                continue
            }
            applied = wire.seq
            let change = wire.rowChange
            let key = RowKey(change.entity.name, change.rowID)
            let existing = rows[key]
            let exists = existing != nil && existing?.deleted == false

            func reject(_ reason: String, _ detail: String) {
                acks.append(Ack(seq: wire.seq, status: .rejected, reason: reason, detail: detail))
            }

            if existing?.deleted == true {
                reject("row_deleted", "\(key) was deleted")
                continue
            }
            if let problem = ChangeValidation.check(change, rowExists: exists) {
                reject(problem.code, problem.message)
                continue
            }
            if change.operation == .delete {
                guard exists else {
                    reject("not_found", "\(key) does not exist on the server")
                    continue
                }
                rows[key] = RowState(deleted: true, fields: existing?.fields ?? [:])
                touched.insert(key)
                if change.entity == .client { deletedClients.append(change.rowID) }
                acks.append(Ack(seq: wire.seq, status: .applied))
                log.append(LogEntry(ackIndex: acks.count - 1, change: change))
                continue
            }
            if let parent = ReplicatedSchema.entity(change.entity.name)?.parent,
               case .text(let parentID)? = change.value(of: parent.field) {
                let parentState = rows[RowKey(parent.entity.name, parentID)]
                if parentState == nil || parentState?.deleted == true {
                    reject("parent_missing", "\(parent.entity.name) \(parentID) does not exist on the server")
                    continue
                }
            }
            var state = existing ?? RowState()
            var won: [FieldAssignment] = []
            var lost: [String] = []
            let mergingFields = Set(ReplicatedSchema.entity(change.entity.name)?.fields.filter(\.mergesText).map(\.name) ?? [])
            for assignment in change.fields {
                let current = state.fields[assignment.field]
                if mergingFields.contains(assignment.field), let current,
                   let merged = mergeText(current: current, incoming: assignment.value, base: wire.b?[assignment.field], hlc: change.hlc, site: input.site) {
                    // Concurrent edits of merging text: both survive, merged against the base.
                    state.fields[assignment.field] = merged
                    won.append(FieldAssignment(assignment.field, merged.value))
                    if merged.value != assignment.value { lost.append(assignment.field) }
                } else if let current, !current.isReplaced(byHLC: change.hlc, site: input.site) {
                    lost.append(assignment.field)
                } else {
                    state.fields[assignment.field] = FieldState(value: assignment.value, hlc: change.hlc, site: input.site)
                    won.append(assignment)
                }
            }
            if !exists && won.isEmpty && !change.fields.isEmpty {
                // Cannot happen for a new row (nothing to lose against), kept for safety.
                reject("superseded", "\(key): every field lost to newer values")
                continue
            }
            rows[key] = state
            touched.insert(key)
            acks.append(Ack(seq: wire.seq, status: .applied, superseded: lost.isEmpty ? nil : lost))
            if !won.isEmpty || !exists {
                log.append(LogEntry(ackIndex: acks.count - 1, change: RowChange(
                    seq: change.seq, hlc: change.hlc, entity: change.entity, rowID: change.rowID, operation: .set, fields: won)))
            }
        }
        return Plan(acks: acks, log: log, rows: rows.filter { touched.contains($0.key) }, deletedClients: deletedClients, appliedThrough: applied)
    }

    /// The three-way merge of a text field edited concurrently: `nil` when there is nothing
    /// to merge (no base, or the server still holds the base, so the edit simply applies).
    /// The version with the earlier `(hlc, site)` goes first, so every arrival order gives
    /// the same text; the merged field carries the later stamp.
    static func mergeText(current: FieldState, incoming: FieldValue, base: FieldValue?, hlc: HLCTimestamp, site: String) -> FieldState? {
        guard case .text(let baseText)? = base, case .text(let currentText) = current.value, case .text(let incomingText) = incoming,
              currentText != baseText else { return nil }
        let incomingIsLater = current.isReplaced(byHLC: hlc, site: site)
        let merged = TextMerge.merge(base: baseText,
                                     first: incomingIsLater ? currentText : incomingText,
                                     second: incomingIsLater ? incomingText : currentText)
        return FieldState(value: .text(merged.text), hlc: incomingIsLater ? hlc : current.hlc, site: incomingIsLater ? site : current.site)
    }
}
