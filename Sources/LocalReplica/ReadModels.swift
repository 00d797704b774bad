import CRMModel

/// One line of a client list.
public struct ClientSummary: Sendable, Equatable, Codable {
    /// The card's id.
    public var id: String
    /// Full name.
    public var name: String
    /// Derived status (`new`, `in_progress`, `completed`, `dormant`, `archived`).
    public var status: String
    /// The responsible staff member's id.
    @NullEncoded public var assignee: String?
    /// The primary phone.
    @NullEncoded public var phone: String?
    /// The primary e-mail.
    @NullEncoded public var email: String?
    /// Tags, sorted.
    public var tags: [String]
}

/// A memo as shown on a card.
public struct MemoView: Sendable, Equatable, Codable {
    /// The memo's id.
    public var id: String
    /// The text.
    public var text: String
    /// `meeting`, `call` or `nil`.
    @NullEncoded public var type: String?
    /// Who wrote it.
    @NullEncoded public var author: String?
    /// When it was written.
    public var createdAt: String
}

/// A schedule as shown on a card.
public struct ScheduleView: Sendable, Equatable, Codable {
    /// The schedule's id.
    public var id: String
    /// Start, ISO 8601 UTC.
    public var start: String
    /// End, ISO 8601 UTC.
    public var end: String
    /// The staff member's id.
    @NullEncoded public var staff: String?
    /// The room.
    @NullEncoded public var room: String?
    /// `scheduled`, `done` or `cancelled`.
    public var state: String
    /// The journal's text, when one was written.
    @NullEncoded public var journal: String?
}

/// A whole client card.
public struct ClientDetail: Sendable, Equatable, Codable {
    /// The card's id.
    public var id: String
    /// Full name.
    public var name: String
    /// Phones, the primary one first.
    public var phones: [String]
    /// E-mail addresses, the primary one first.
    public var emails: [String]
    /// Birth date, `YYYY-MM-DD`.
    @NullEncoded public var birthDate: String?
    /// Derived status.
    public var status: String
    /// The responsible staff member's id.
    @NullEncoded public var assignee: String?
    /// The branch's id.
    @NullEncoded public var branch: String?
    /// Whether the client is put to sleep.
    public var dormant: Bool
    /// Why the client was archived.
    @NullEncoded public var archiveReason: String?
    /// Tags, sorted.
    public var tags: [String]
    /// Custom field values by key.
    public var customFields: [String: String]
    /// Memos, oldest first.
    public var memos: [MemoView]
    /// Schedules by start time.
    public var schedules: [ScheduleView]
    /// When the card was created.
    public var createdAt: String
    /// Prepaid balance in minor units: the sum of the ledger (negative: a debt).
    public var balance: Int64
    /// The ledger, oldest first.
    public var ledger: [LedgerEntryView]
    /// How many memos the card has (``memos`` may hold a window of them).
    public var memoCount = 0
    /// How many scheduled sessions lie ahead, and how many are done, cancelled or past
    /// (``schedules`` may hold a window of each).
    public var upcomingCount = 0, pastCount = 0
    /// How many ledger entries the card has.
    public var ledgerCount = 0
}

/// One money entry of a client, as `crm client show` lists it.
public struct LedgerEntryView: Sendable, Equatable, Codable {
    /// The entry's id.
    public var id: String
    /// `payment`, `deduction`, `release` or `settlement`.
    public var kind: String
    /// The amount in minor units.
    public var amount: Int64
    /// The schedule it belongs to.
    @NullEncoded public var scheduleId: String?
    /// A note.
    @NullEncoded public var note: String?
    /// When it was written.
    public var createdAt: String
}

/// A task as listed by `crm tasks`.
public struct TaskView: Sendable, Equatable, Codable {
    /// The task's id.
    public var id: String
    /// What to do.
    public var title: String
    /// Who should do it.
    @NullEncoded public var assignee: String?
    /// By when, `YYYY-MM-DD`.
    @NullEncoded public var due: String?
    /// The client it concerns.
    @NullEncoded public var clientId: String?
    /// Whether it is done.
    public var done: Bool
    /// `manual`, or the rule that made it (`booking_overlap`, `over_capacity`,
    /// `archived_booking`, `assignee_notice`).
    public var kind: String
    /// The branch whose administrator should act (tasks made by rule).
    @NullEncoded public var branchId: String?
    /// What the rule found (the schedules concerned).
    @NullEncoded public var detail: String?
}

/// A conflict as listed by `crm conflicts`.
public struct ConflictView: Sendable, Equatable, Codable {
    /// The conflict record's id.
    public var id: String
    /// The kind of row (`memo`, `schedule`, …).
    public var entity: String
    /// The row's id.
    public var entityId: String
    /// The field, when the conflict is about one.
    @NullEncoded public var field: String?
    /// What happened (`memo_overlap`, `same_field`, `edit_of_deleted`, …; see
    /// protocol/CONFLICTS.md).
    public var kind: String
    /// What the row holds: the value that won (for a memo merge, the later version as typed).
    @NullEncoded public var kept: String?
    /// What did not make it, kept here to review (several fields as a JSON object).
    @NullEncoded public var other: String?
    /// Who made the kept change.
    @NullEncoded public var keptAuthor: String?
    /// Who made the other change.
    @NullEncoded public var otherAuthor: String?
    /// The kept change's HLC (packed).
    @NullEncoded public var keptHlc: Int64?
    /// The other change's HLC (packed).
    @NullEncoded public var otherHlc: Int64?
    /// Whether the rule flagged it (a merged memo over the length limit).
    public var flagged: Bool
    /// When the record was made.
    public var createdAt: String
    /// When someone resolved it; `nil` while open.
    @NullEncoded public var resolvedAt: String?
    /// How: `current`, `kept`, `other`, or `edited` (the row was edited by hand).
    @NullEncoded public var resolution: String?
}

/// A refused local change as listed by `crm rejected`.
public struct RejectedView: Sendable, Equatable, Codable {
    /// The record's id.
    public var id: Int64
    /// The change's local sequence number.
    public var seq: Int64
    /// The kind of row.
    public var entity: String
    /// The row's id.
    public var entityId: String
    /// The field, when one.
    @NullEncoded public var field: String?
    /// The refused value.
    @NullEncoded public var value: String?
    /// The server's reason code.
    public var reason: String
    /// More about the reason.
    @NullEncoded public var detail: String?
    /// When the server refused it.
    public var rejectedAt: String
}

/// The replica's sync state, for `crm status`.
public struct ReplicaStatus: Sendable, Equatable, Codable {
    /// Local changes not yet acknowledged by the server.
    public var pending: Int64
    /// When the last sync succeeded.
    @NullEncoded public var lastSync: String?
    /// The server's URL; `nil` for a standalone replica.
    @NullEncoded public var server: String?
    /// The last sync error, if the last attempt failed.
    @NullEncoded public var lastError: String?
    /// This replica's site id.
    public var site: String
    /// The staff member this replica belongs to.
    @NullEncoded public var user: String?
    /// The path of the replica file.
    public var replica: String
    /// Whether data this user may no longer see is still in the write-ahead log, because
    /// another program was reading the replica when it was purged.
    public var purgePending = false
    /// A long pull under way, with its progress; `nil` when none is.
    @NullEncoded public var catchUp: CatchUp?
}

/// A page of the client list.
public struct ClientPage: Sendable {
    /// The clients of the page, in order.
    public var clients: [ClientSummary]
    /// Their order: the one asked for, or newest first for a broad search.
    public var sort: ClientQuery.Sort
    /// How many match, counted up to the cap asked for; `nil` when not asked.
    public var count: Int?
}

/// Which clients `crm client list` shows.
public struct ClientQuery: Sendable {
    /// Text matched against the name (any case, any script), any phone and any e-mail.
    @NullEncoded public var search: String?
    /// Only clients with this status.
    @NullEncoded public var status: ClientStatus?
    /// Only clients with this tag.
    @NullEncoded public var tag: String?
    /// Include archived clients (excluded by default, as in search).
    public var includeArchived: Bool
    /// At most this many.
    @NullEncoded public var limit: Int?
    /// Whose clients: a staff id, or `""` for clients assigned to nobody.
    @NullEncoded public var assignee: String?
    /// Only clients of this branch.
    @NullEncoded public var branch: String?
    /// The order: by name, or newest card first.
    public var sort: Sort = .name
    /// How many matches to skip (paging).
    public var offset = 0

    /// How a client list is ordered.
    public enum Sort: String, Sendable, Codable, CaseIterable {
        /// By name, in any script, ignoring case.
        case name
        /// Newest card first.
        case newest
    }

    /// Describes a query.
    public init(search: String? = nil, status: ClientStatus? = nil, tag: String? = nil, includeArchived: Bool = false, limit: Int? = nil,
                assignee: String? = nil, branch: String? = nil, sort: Sort = .name, offset: Int = 0) {
        self.search = search
        self.status = status
        self.tag = tag
        self.includeArchived = includeArchived
        self.limit = limit
        self.assignee = assignee
        self.branch = branch
        self.sort = sort
        self.offset = offset
    }
}
