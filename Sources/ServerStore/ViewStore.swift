import SyncCore

/// What pulls, holdings and row reads need from a store, in one snapshot (and, for a
/// tracked site, one transaction): the log, clients' access, rows by client and each
/// site's holdings. A store implements SQL only; ``PullSteps`` and ``HoldingSteps`` hold
/// the rules (ADR 0008).
package protocol ViewStore {
    /// The stored state of each key that exists (tombstones included).
    func rows(_ keys: Set<RowKey>) throws -> [RowKey: RowState]
    /// The stored client of each key that exists, and whether it is deleted, without
    /// decoding fields; `fields` is the stored JSON of the fields.
    func storedRows(_ keys: [RowKey]) throws -> [RowKey: (deleted: Bool, client: String?, fields: String)]
    /// Every live row that belongs to `client` (its child rows and conflict records), in
    /// the order of entity then id, with its stored JSON fields.
    func liveRows(ofClient client: String) throws -> [(key: RowKey, fields: String)]
    /// The server's own site id.
    func serverSite() throws -> String

    /// The log's newest position (0 when empty).
    func logHead() throws -> Int64
    /// At most `limit` log entries after `position`, in order.
    func logEntries(after position: Int64, limit: Int) throws -> [LoggedEntry]

    /// What decides who sees each client that exists: deleted, branch and assignee.
    func clientAccess(_ ids: Set<String>) throws -> [String: ClientAccess]
    /// Every client's access.
    func allClientAccess() throws -> [String: ClientAccess]
    /// The clients whose access changed in log entries after `position`, with the position
    /// of the entry that created each when that is after `position` (else 0).
    func accessChanges(after position: Int64) throws -> [String: Int64]

    /// The device a site is registered to.
    func siteDevice(_ site: String) throws -> String?
    /// The site's view record, when its holdings are tracked.
    func siteView(_ site: String) throws -> SiteView?
    /// Starts tracking a site; with `holdingEverything`, it holds every client's buckets.
    func createSiteView(_ site: String, holdingEverything: Bool) throws
    /// Stores the offer waiting for the site's acknowledgement (`nil`: none waits).
    func setOffer(site: String, id: Int64, pending: String?) throws
    /// Records through which log position the site's access was examined, for whom.
    func setReconciled(site: String, at position: Int64, role: String, branch: String?) throws
    /// The site's holdings of the buckets of `clients` (of every client when `nil`).
    func holdings(site: String, clients: Set<String>?) throws -> [Revoke: Holding]
    /// Sets (or, with `nil`, forgets) the site's holding of each bucket.
    func setHoldings(site: String, _ holdings: [(Revoke, Holding?)]) throws
    /// At most `limit` buckets the site holds in `state`: headers before details, then by
    /// client.
    func buckets(site: String, in state: Holding, limit: Int) throws -> [Revoke]
}

/// A logged change as pulls read it.
package struct LoggedEntry {
    /// Its position in the global log.
    package var position: Int64
    /// The change's wire JSON.
    package var wire: String
    /// Its bucket's scope (`nil` for entries logged before scopes were kept).
    package var scope: Buckets.Scope?
    /// Its bucket's client.
    package var client: String?

    /// Creates an entry.
    package init(position: Int64, wire: String, scope: Buckets.Scope?, client: String?) {
        self.position = position
        self.wire = wire
        self.scope = scope
        self.client = client
    }
}

/// What decides who sees a client.
package struct ClientAccess: Equatable {
    /// Whether it is deleted (it stays visible as it last was).
    package var deleted: Bool
    /// Its branch.
    package var branch: String?
    /// Its assigned staff member.
    package var assignee: String?

    /// Creates an access.
    package init(deleted: Bool, branch: String?, assignee: String?) {
        self.deleted = deleted
        self.branch = branch
        self.assignee = assignee
    }

    /// A row state holding only these fields, as ``Buckets/visible(_:client:to:)`` reads it.
    package var state: RowState {
        var fields: [String: FieldState] = [:]
        if let branch { fields["branch_id"] = FieldState(value: .text(branch), hlc: .zero, site: "") }
        if let assignee { fields["assignee_id"] = FieldState(value: .text(assignee), hlc: .zero, site: "") }
        return RowState(deleted: deleted, fields: fields)
    }
}

/// A tracked site's record of its offers and of the last examination of its access.
package struct SiteView {
    /// The id of the last offer made.
    package var offerID: Int64
    /// The offer waiting for acknowledgement (JSON), if any.
    package var pending: String?
    /// The log position through which access was examined.
    package var reconciledAt: Int64?
    /// The role and branch of the user it was examined for.
    package var role: String?
    /// See `role`.
    package var branch: String?

    /// Creates a view record.
    package init(offerID: Int64, pending: String?, reconciledAt: Int64?, role: String?, branch: String?) {
        self.offerID = offerID
        self.pending = pending
        self.reconciledAt = reconciledAt
        self.role = role
        self.branch = branch
    }
}
