import SyncCore

/// A device that authenticated with its token.
public struct Device: Sendable, Equatable {
    /// The device's id.
    public let id: String
    /// The device's name, as given at `issue-token`.
    public let name: String
    /// The staff member it belongs to.
    public let userID: String
    /// That staff member's role.
    public let role: String
    /// That staff member's branch.
    public let branch: String?

    /// Creates a device.
    public init(id: String, name: String, userID: String, role: String, branch: String? = nil) {
        self.id = id
        self.name = name
        self.userID = userID
        self.role = role
        self.branch = branch
    }

    /// The author whose rights the device's pushes are checked against.
    public var author: Permissions.Author { Permissions.Author(userID: userID, role: role, branch: branch) }
}

/// The outcome of registering a replica's site.
public enum Registration: Sendable, Equatable {
    /// The site is the device's (now, or already).
    case registered
    /// The site belongs to another device.
    case anotherDevice
    /// The device has registered `limit` sites already.
    case tooManySites(limit: Int)

    /// The most replicas (sites) one device token may register, on every store: each site
    /// costs a holding per visible bucket.
    public static let sitesPerDevice = 20
}

/// A page of the global change log.
public struct LogPage: Sendable {
    /// Each change's wire JSON (without its position), in order.
    public var changes: [String]
    /// The position of the last change in the page, or the cursor asked for.
    public var last: Int64
    /// Whether more changes follow.
    public var more: Bool
    /// Buckets the viewer lost since its last pull, to purge first.
    public var revokes: [Revoke] = []
    /// The id of the grants and revokes this page carries, which the replica names in its
    /// next pull once it applied them; `nil` when it carries none.
    public var offer: Int64?
    /// The log's newest position when the page was read.
    public var head: Int64?

    /// Creates a page.
    public init(changes: [String], last: Int64, more: Bool, revokes: [Revoke] = [], offer: Int64? = nil, head: Int64? = nil) {
        self.changes = changes
        self.last = last
        self.more = more
        self.revokes = revokes
        self.offer = offer
        self.head = head
    }
}

/// Who is pulling: what they may see, and which replica (its bucket grants are tracked).
public struct Viewer: Sendable {
    /// The author whose rights decide.
    public var author: Permissions.Author
    /// The replica's site; `nil` when the request names none (no grant tracking).
    public var site: String?
    /// The pulling device: a site is tracked only for the device it is registered to.
    public var deviceID: String

    /// Creates a viewer.
    public init(author: Permissions.Author, site: String?, deviceID: String) {
        self.author = author
        self.site = site
        self.deviceID = deviceID
    }
}

/// Where the server keeps the organisation's data: the embedded SQLite store or PostgreSQL.
/// Everything dialect-specific stays behind this protocol; the rules live in
/// ``PushPlanner`` (SyncCore) and in the store-agnostic steps over ``RecordStore`` and
/// ``ViewStore``, which every implementation runs inside its transactions.
public protocol SyncStorage: Sendable {
    /// The device a token hash belongs to, or `nil` when unknown or revoked.
    func device(tokenHash: String) async throws -> Device?
    /// Registers `site` as a replica of `device`, unless the site belongs to another device
    /// or the device has registered as many sites as it may.
    func register(site: String, device: Device) async throws -> Registration
    /// Applies a push in one transaction; the error reply when the batch is refused whole.
    func push(_ request: PushRequest, device: Device, now: Int64, maxSkewMillis: Int64) async throws -> Result<PushResponse, ErrorResponse>
    /// The changes after `position`, at most `limit`, filtered to what `viewer` may see
    /// (everything when `nil`), with the rows of buckets granted since its last pull first and
    /// the buckets it lost as revokes. `offer` is the last offer of grants and revokes the
    /// viewer's replica applied (0 for none).
    func pull(after position: Int64, offer: Int64, limit: Int, viewer: Viewer?) async throws -> LogPage
    /// The current version of `keys`, read in one snapshot with the log position; rows
    /// `viewer` may not see are reported as not existing.
    func rows(_ keys: [RowsRequest.Key], viewer: Viewer?) async throws -> RowsResponse

    /// The log's newest position (0 when empty): cheap, read every second by each server.
    func logHead() async throws -> Int64
    /// What a waiting long poll needs to know of the log entries after `position` (at
    /// most `limit`), to tell whether a device may see any of them without a filtered pull.
    func logSummaries(after position: Int64, limit: Int) async throws -> [LogSummary]
    /// Calls `onHead` with the log's new head each time another server announces one,
    /// until cancelled; returns at once for a store only one server uses.
    func watchHeads(_ onHead: @escaping @Sendable (Int64) async -> Void) async throws
    /// Tells the other servers that the log now reaches `head` (after the push committed).
    func announce(head: Int64) async

    /// Adds a branch; returns its id.
    func addBranch(name: String, now: Int64) async throws -> String
    /// Changes a staff member's role and, when given, branch; their replicas gain and lose
    /// buckets on their next pull.
    func setRole(user: String, role: String, branch: String?, now: Int64) async throws
    /// Adds a staff member; returns their id.
    func addUser(name: String, role: String, team: String, branch: String, now: Int64) async throws -> String
    /// Stores a device token (hashed) for `user`; returns the device's id.
    func addDevice(user: String, name: String, tokenHash: String) async throws -> String
    /// Revokes the device holding the token; `false` when no such token.
    func revoke(tokenHash: String) async throws -> Bool
    /// Every branch's name, by id.
    func branchNames() async throws -> [String: String]
    /// Every staff member, deleted ones too, by name.
    func users() async throws -> [StaffMember]
    /// The device tokens of a staff member, oldest first; `nil` when there is no such user.
    func tokens(ofUser user: String) async throws -> [DeviceTokenInfo]?
    /// Revokes every token of a staff member; how many were still active, `nil` when there
    /// is no such user.
    func revokeTokens(ofUser user: String) async throws -> Int?
    /// The audit of refused changes, newest last (`crm-server admin rejected`).
    func refusedChanges(limit: Int) async throws -> [RefusedChange]
}

/// One log entry as a waiting long poll judges it: where it is and who may see it.
public struct LogSummary: Sendable, Equatable {
    /// Its position.
    public var position: Int64
    /// Its bucket's scope (`nil` for entries logged before scopes were kept: shown to all).
    public var scope: Buckets.Scope?
    /// What decides who sees its client (deleted, branch, assignee), when it has one.
    public var client: RowState?
    /// Whether it changes who may see a client (a pull then re-examines holdings).
    public var changesAccess: Bool

    /// Creates a summary.
    public init(position: Int64, scope: Buckets.Scope?, client: RowState?, changesAccess: Bool) {
        self.position = position
        self.scope = scope
        self.client = client
        self.changesAccess = changesAccess
    }

    /// Whether a pull by `author` would have to look at this entry: it is visible to them,
    /// or it changes who sees a client.
    public func concerns(_ author: Permissions.Author) -> Bool {
        guard let scope, scope != .org, !changesAccess else { return true }
        return Buckets.visible(scope, client: client, to: author)
    }
}

/// A staff member as `crm-server admin list-users` shows them.
public struct StaffMember: Sendable, Codable, Equatable {
    /// Their id.
    public var id: String
    /// Display name.
    public var name: String
    /// `executive`, `manager` or `general`.
    public var role: String
    /// `sales`, `collections` or `other`.
    public var team: String
    /// Their branch.
    public var branch: String?
    /// Whether they were deleted (their tokens open nothing).
    public var deleted: Bool

    /// Creates a staff member's entry.
    public init(id: String, name: String, role: String, team: String, branch: String?, deleted: Bool) {
        self.id = id
        self.name = name
        self.role = role
        self.team = team
        self.branch = branch
        self.deleted = deleted
    }

    /// Every key, `branch` as null when there is none.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(name, forKey: .name)
        try container.encode(role, forKey: .role)
        try container.encode(team, forKey: .team)
        try container.encode(branch, forKey: .branch)
        try container.encode(deleted, forKey: .deleted)
    }
}

/// A device token as `crm-server admin list-tokens` shows it (never the token itself).
public struct DeviceTokenInfo: Sendable, Codable, Equatable {
    /// The device's name.
    public var device: String
    /// When it was issued, Unix milliseconds.
    public var createdAt: Int64
    /// When it was revoked, if it was.
    public var revokedAt: Int64?

    /// Creates a token's entry.
    public init(device: String, createdAt: Int64, revokedAt: Int64?) {
        self.device = device
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }

    /// Every key, `revokedAt` as null while the token is active.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(device, forKey: .device)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(revokedAt, forKey: .revokedAt)
    }
}

/// A pushed change the server refused, as the audit keeps it.
public struct RefusedChange: Sendable, Codable, Equatable {
    /// When, Unix milliseconds (server clock).
    public var at: Int64
    /// The staff member whose device pushed it.
    public var userId: String?
    /// The pushing site and the change's sequence number there.
    public var site: String
    /// Sequence number.
    public var seq: Int64
    /// The row.
    public var entity: String
    /// The row id.
    public var rowId: String
    /// The fields it set (JSON), or `null` for a deletion.
    public var fields: String?
    /// The reason code.
    public var reason: String
    /// What was refused and why.
    public var detail: String?

    /// Creates an audit entry.
    public init(at: Int64, userId: String?, site: String, seq: Int64, entity: String, rowId: String, fields: String?, reason: String, detail: String?) {
        self.at = at
        self.userId = userId
        self.site = site
        self.seq = seq
        self.entity = entity
        self.rowId = rowId
        self.fields = fields
        self.reason = reason
        self.detail = detail
    }
}

/// A storage operation was refused for a reason the caller can show.
public struct StorageError: Error, Sendable, CustomStringConvertible {
    /// One line naming the problem.
    public let description: String
    /// Creates an error.
    public init(_ description: String) { self.description = description }
}
