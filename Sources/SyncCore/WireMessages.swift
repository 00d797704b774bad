/// The bodies of the sync protocol's requests and responses (protocol/SYNC.md,
/// protocol/openapi.yaml). Pure values: the server and the client encode and decode them
/// with `JSONEncoder`/`JSONDecoder`.

/// One change as it travels: the outbox form plus its sequence number, timestamp and,
/// for pulls, the site that made it.
public struct WireChange: Codable, Sendable, Equatable {
    /// The site that made the change (pull only; a push names its site once).
    public var site: String?
    /// The site's sequence number.
    public var seq: Int64
    /// The packed HLC timestamp.
    public var hlc: Int64
    /// The entity (table).
    public var e: String
    /// The row id.
    public var r: String
    /// Fields set, for a set.
    public var f: [String: FieldValue]?
    /// `1` for a deletion.
    public var d: Int?
    /// Optional base values: what each field held when the edit started (used to merge
    /// memo text; ignored by fields that merge by timestamp).
    public var b: [String: FieldValue]?

    /// Creates a wire change.
    public init(site: String? = nil, seq: Int64, hlc: Int64, e: String, r: String,
                f: [String: FieldValue]? = nil, d: Int? = nil, b: [String: FieldValue]? = nil) {
        self.site = site
        self.seq = seq
        self.hlc = hlc
        self.e = e
        self.r = r
        self.f = f
        self.d = d
        self.b = b
    }

    /// The wire form of a row change.
    public init(_ change: RowChange, site: String? = nil) {
        self.init(site: site, seq: change.seq, hlc: change.hlc.packed, e: change.entity.name, r: change.rowID,
                  f: change.operation == .set ? Dictionary(change.fields.map { ($0.field, $0.value) }, uniquingKeysWith: { $1 }) : nil,
                  d: change.operation == .delete ? 1 : nil)
    }

    /// The row change this carries (fields sorted by name).
    public var rowChange: RowChange {
        RowChange(seq: seq, hlc: HLCTimestamp(packed: hlc), entity: EntityKind(e), rowID: r, operation: d == 1 ? .delete : .set,
                  fields: (f ?? [:]).sorted { $0.key < $1.key }.map { FieldAssignment($0.key, $0.value) })
    }
}

/// `POST /v1/push`: consecutive changes from one site.
public struct PushRequest: Codable, Sendable {
    /// The pushing site's id (must be registered to the device's token).
    public var site: String
    /// Changes in sequence order, consecutive.
    public var changes: [WireChange]

    /// Creates a push.
    public init(site: String, changes: [WireChange]) {
        self.site = site
        self.changes = changes
    }
}

/// The server's word on one pushed change.
public struct Ack: Codable, Sendable, Equatable {
    /// What happened to a change.
    public enum Status: String, Codable, Sendable {
        /// Applied now; `position` is its place in the global order. Fields listed in
        /// `superseded` lost to newer values.
        case applied
        /// Applied by an earlier push whose reply the client did not get; its outcome is
        /// settled by reading the rows (`POST /v1/rows`).
        case duplicate
        /// Refused; `reason` says why. The client rolls back by reading the rows.
        case rejected
    }

    /// The change's sequence number.
    public var seq: Int64
    /// Applied, duplicate or rejected.
    public var status: Status
    /// The global position (applied changes that changed something).
    public var position: Int64?
    /// Machine-readable reason (rejected only).
    public var reason: String?
    /// Human-readable detail (rejected only).
    public var detail: String?
    /// Fields of an applied change that lost to newer values already on the server.
    public var superseded: [String]?

    /// Creates an acknowledgement.
    public init(seq: Int64, status: Status, position: Int64? = nil, reason: String? = nil, detail: String? = nil, superseded: [String]? = nil) {
        self.seq = seq
        self.status = status
        self.position = position
        self.reason = reason
        self.detail = detail
        self.superseded = superseded
    }

    /// Whether the client must read the row back to know the server's version: the change
    /// was refused, partly superseded, or applied by a push whose reply was lost.
    public var needsRowRead: Bool {
        status != .applied || !(superseded ?? []).isEmpty
    }
}

/// The reply to a push.
public struct PushResponse: Codable, Sendable {
    /// One acknowledgement per pushed change, in order.
    public var acks: [Ack]
    /// The highest sequence number of this site the server has applied.
    public var appliedThrough: Int64
    /// The server's clock, Unix milliseconds.
    public var serverTime: Int64

    /// Creates a reply.
    public init(acks: [Ack], appliedThrough: Int64, serverTime: Int64) {
        self.acks = acks
        self.appliedThrough = appliedThrough
        self.serverTime = serverTime
    }
}

/// The reply to `GET /v1/pull`.
public struct PullResponse: Codable, Sendable {
    /// The bucket these changes belong to (`org` until partial replication).
    public var bucket: String
    /// Changes after the request's cursor, in global order.
    public var changes: [WireChange]
    /// The cursor to send next time: the last position in this page, or the request's.
    public var next: Int64
    /// Whether more changes wait after `next`.
    public var more: Bool
    /// The server's clock, Unix milliseconds.
    public var serverTime: Int64
    /// Buckets this replica may no longer hold: purge them before applying `changes`.
    public var revokes: [Revoke]?
    /// Names the grants (snapshot rows in `changes`) and revokes of this page: the replica
    /// stores it with the page and sends it as `offer` in its next pull, which tells the
    /// server they were applied.
    public var offer: Int64?
    /// The newest position of the server's log when the page was read: with `next`, how
    /// much of the log is still ahead of this replica (progress of a long pull).
    public var head: Int64?

    /// Creates a page.
    public init(bucket: String, changes: [WireChange], next: Int64, more: Bool, serverTime: Int64, revokes: [Revoke]? = nil, offer: Int64? = nil,
                head: Int64? = nil) {
        self.bucket = bucket
        self.changes = changes
        self.next = next
        self.more = more
        self.serverTime = serverTime
        self.revokes = revokes
        self.offer = offer
        self.head = head
    }
}

/// `POST /v1/register`: binds a replica's site id to the device's token.
public struct RegisterRequest: Codable, Sendable {
    /// The replica's site id.
    public var site: String
    /// Creates a request.
    public init(site: String) { self.site = site }
}

/// The reply to a registration.
public struct RegisterResponse: Codable, Sendable {
    /// The staff member the token belongs to.
    public var user: String
    /// Their role.
    public var role: String
    /// The device's name.
    public var device: String
    /// The site, now registered.
    public var site: String
    /// The server's clock, Unix milliseconds.
    public var serverTime: Int64

    /// Creates a reply.
    public init(user: String, role: String, device: String, site: String, serverTime: Int64) {
        self.user = user
        self.role = role
        self.device = device
        self.site = site
        self.serverTime = serverTime
    }
}

/// Every 4xx and 5xx reply: `{"error": {"code": …, "message": …}}`.
public struct ErrorResponse: Codable, Sendable, Error {
    /// The error.
    public struct Body: Codable, Sendable {
        /// Machine-readable code (protocol/SYNC.md lists them and what a client does next).
        public var code: String
        /// One line naming what was wrong.
        public var message: String
        /// For `sequence_gap`: the sequence number the server expects next.
        public var expectedSeq: Int64?
        /// For `clock_skew`: the server's clock, and server minus client time.
        public var serverTime: Int64?
        /// For `clock_skew`: add this to the client's clock.
        public var offsetMillis: Int64?
    }

    /// The error.
    public var error: Body

    /// Creates an error reply.
    public init(code: String, message: String, expectedSeq: Int64? = nil, serverTime: Int64? = nil, offsetMillis: Int64? = nil) {
        error = Body(code: code, message: message, expectedSeq: expectedSeq, serverTime: serverTime, offsetMillis: offsetMillis)
    }
}

/// `POST /v1/rows`: the server's current version of some rows, for a client that must
/// roll back refused changes or settle an outcome it did not hear (a lost reply).
public struct RowsRequest: Codable, Sendable {
    /// One row.
    public struct Key: Codable, Sendable, Hashable {
        /// The entity.
        public var e: String
        /// The row id.
        public var r: String
        /// For a client: also every row that belongs to it (after a refused deletion of the
        /// client, the replica gets its memos, schedules and the rest back).
        public var children: Bool?
        /// Creates a key.
        public init(e: String, r: String, children: Bool? = nil) {
            self.e = e
            self.r = r
            self.children = children
        }
    }

    /// The rows wanted (at most the push limit).
    public var keys: [Key]
    /// Creates a request.
    public init(keys: [Key]) { self.keys = keys }
}

/// The reply to `POST /v1/rows`.
public struct RowsResponse: Codable, Sendable {
    /// One row's current version.
    public struct Row: Codable, Sendable, Equatable {
        /// The entity.
        public var e: String
        /// The row id.
        public var r: String
        /// Whether the row exists (not deleted, not unknown).
        public var exists: Bool
        /// Every field the server holds for it (when it exists).
        public var f: [String: FieldValue]?
        /// Creates a row.
        public init(e: String, r: String, exists: Bool, f: [String: FieldValue]?) {
            self.e = e
            self.r = r
            self.exists = exists
            self.f = f
        }
    }

    /// The rows, in request order.
    public var rows: [Row]
    /// The log position these versions are as of: a client that pulls on from a cursor at
    /// or below it ends with the server's state.
    public var position: Int64
    /// Creates a reply.
    public init(rows: [Row], position: Int64) {
        self.rows = rows
        self.position = position
    }
}
