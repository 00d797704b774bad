/// Decides what a push does, without I/O: which changes are duplicates, which are refused
/// and why, which fields win the merge, what goes into the global log, and the reply.
///
/// The server loads the state the push touches (``PushPlanner/Input``), asks the planner
/// for a ``PushPlan``, and writes the plan in the same transaction. Planning is
/// infallible once the request is well-formed; a malformed batch (sequence gap, clock far
/// ahead) yields an error and no writes.
public enum PushPlanner {
    /// Switches for the rules. Every default is the product's behaviour; the simulation
    /// turns one off to prove that its checks catch a broken rule.
    public struct Rules: Sendable {
        /// Memo text takes the later edit whole, with no merge and no conflict record.
        public var brokenMemoMerge = false
        /// A change of a client's row is judged by the client it names, not the one the row
        /// belongs to (the defect issue 12 found): the hostile-staff property test must catch it.
        public var brokenClientLink = false

        /// The product's rules.
        public init(brokenMemoMerge: Bool = false, brokenClientLink: Bool = false) {
            self.brokenMemoMerge = brokenMemoMerge
            self.brokenClientLink = brokenClientLink
        }
    }

    /// What the planner needs to know.
    public struct Input: Sendable {
        /// The pushing site.
        public var site: String
        /// The highest sequence number of this site already applied.
        public var appliedThrough: Int64
        /// The server's state of every row the batch touches, and of the clients that
        /// new child rows refer to; rows absent from the map do not exist on the server.
        public var rows: [RowKey: RowState]
        /// The server's own site, under which rows made by rule (conflicts, tasks) are logged.
        public var serverSite: String
        /// The server's clock (Unix milliseconds).
        public var now: Int64
        /// The staff member behind each site the loaded rows and the push name.
        public var users: [String: String]
        /// The rules' switches.
        public var rules: Rules
        /// The staff member pushing, whose rights every change is checked against; `nil`
        /// for the server's own writes (admin commands).
        public var author: Permissions.Author?

        /// Creates an input.
        public init(site: String, appliedThrough: Int64, rows: [RowKey: RowState], serverSite: String = "", now: Int64 = 0, users: [String: String] = [:],
                    rules: Rules = .init(), author: Permissions.Author? = nil) {
            self.rules = rules
            self.author = author
            self.site = site
            self.appliedThrough = appliedThrough
            self.rows = rows
            self.serverSite = serverSite
            self.now = now
            self.users = users
        }
    }

    /// One entry for the global log, and the row writes it stands for.
    public struct LogEntry: Sendable, Equatable {
        /// The index of the ack this entry's position belongs to; `nil` for a row the
        /// server made by rule, logged under its own site.
        public var ackIndex: Int?
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
        /// Schedules this plan created or changed, for the booking rules.
        public var schedules: [String]
        /// Clients this plan archived: planned schedules the archiving office had not seen
        /// are flagged.
        public var archivedClients: [String] = []

        /// Adds rows made by rule (conflicts, tasks) to the plan; a row that exists already
        /// (the same cause, seen before) is not made twice.
        public mutating func add(_ derived: DerivedRows, existing: Set<RowKey> = []) {
            for change in derived.changes {
                let key = RowKey(change.entity.name, change.rowID)
                guard rows[key] == nil, !existing.contains(key) else { continue }
                rows[key] = RowState(deleted: false, fields: Dictionary(uniqueKeysWithValues: change.fields.map {
                    ($0.field, FieldState(value: $0.value, hlc: change.hlc, site: derived.serverSite))
                }))
                log.append(LogEntry(ackIndex: nil, change: change))
            }
        }
    }

    /// The rows a batch needs loaded: the rows it changes and the rows they refer to
    /// (``ClientLink/referencedKeys(entity:id:fields:)``: clients, schedules).
    public static func keysToLoad(_ changes: [WireChange]) -> Set<RowKey> {
        var keys = Set<RowKey>()
        for change in changes {
            keys.insert(RowKey(change.e, change.r))
            keys.formUnion(ClientLink.referencedKeys(entity: change.e, id: change.r, fields: change.f ?? [:]))
        }
        return keys
    }

    /// The rows loaded rows refer to that are not loaded yet (an edited row's client, the
    /// row an old conflict record is about, and in turn that row's client): load them until
    /// this is empty.
    public static func parentKeys(of rows: [RowKey: RowState]) -> Set<RowKey> {
        var keys = Set<RowKey>()
        for (key, state) in rows {
            for referenced in ClientLink.referencedKeys(entity: key.entity, id: key.id, fields: state.fields.mapValues(\.value)) where rows[referenced] == nil {
                keys.insert(referenced)
            }
        }
        return keys
    }

    /// Every site that wrote a field of `rows`, and `site`: the authors a conflict may name.
    public static func sites(in rows: [RowKey: RowState], and site: String) -> Set<String> {
        var sites: Set<String> = [site]
        for state in rows.values { for field in state.fields.values { sites.insert(field.site) } }
        return sites
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
        var planning = Planning(input: input)
        for wire in changes { planning.plan(wire) }
        var plan = Plan(acks: planning.acks, log: planning.log, rows: planning.rows.filter { planning.touched.contains($0.key) },
                        deletedClients: planning.deletedClients, appliedThrough: planning.applied, schedules: planning.schedules,
                        archivedClients: planning.archivedClients)
        plan.add(planning.derived, existing: Set(input.rows.keys))
        return plan
    }

    /// The three-way merge of a text field against the edit's base: `nil` when the edit
    /// carries no base (the later stamp wins then).
    /// The version with the earlier `(hlc, site)` goes first, so every arrival order gives
    /// the same text; the merged field carries the later stamp.
    static func mergeText(current: FieldState, incoming: FieldValue, base: FieldValue?, hlc: HLCTimestamp, site: String) -> (state: FieldState, conflicted: Bool)? {
        // Even when the server still holds the base, the edit applies through the merge: its
        // stamp may be older (a clock behind), but it was made on top of what is there.
        guard case .text(let baseText)? = base, case .text(let currentText) = current.value, case .text(let incomingText) = incoming else { return nil }
        let incomingIsLater = current.isReplaced(byHLC: hlc, site: site)
        let merged = TextMerge.merge(base: baseText,
                                     first: incomingIsLater ? currentText : incomingText,
                                     second: incomingIsLater ? incomingText : currentText)
        return (FieldState(value: .text(merged.text), hlc: incomingIsLater ? hlc : current.hlc, site: incomingIsLater ? site : current.site),
                merged.conflicted)
    }
}
