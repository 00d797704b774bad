import SyncCore

/// Pulls and row reads, by the server's rules over any ``ViewStore``: the log filtered to
/// what the viewer may see, after the rows of owed buckets and with the buckets it lost
/// as revokes (``HoldingSteps``).
package enum PullSteps {
    /// Whether the site's buckets are tracked: every replica of a non-executive, and of an
    /// executive who once was not (an executive sees everything, so nothing to track).
    package static func tracksGrants(_ viewer: Viewer, store: some ViewStore) throws -> Bool {
        guard let site = viewer.site, try store.siteDevice(site) == viewer.deviceID else { return false }
        if viewer.author.role != "executive" { return true }
        return try store.siteView(site) != nil
    }

    /// A page of the log filtered to what the viewer may see; with a tracked site, the rows
    /// of owed buckets first and the buckets it lost as revokes.
    package static func pull(after position: Int64, limit: Int, viewer: Viewer?, site: String?, offer acknowledged: Int64, store: some ViewStore) throws -> LogPage {
        var holdings = HoldingSteps.Reply()
        if let viewer, let site {
            holdings = try HoldingSteps.holdings(site: site, author: viewer.author, after: position, acknowledged: acknowledged, rowBudget: limit, store: store)
        }
        let logLimit = limit - holdings.snapshot.count
        let head = try holdings.head ?? store.logHead()
        if holdings.more || logLimit <= 0 {
            // More is owed: send this first, the log after it.
            return LogPage(changes: holdings.snapshot, last: position, more: true, revokes: holdings.revokes, offer: holdings.offer, head: head)
        }
        let raw = try store.logEntries(after: position, limit: logLimit + 1)
        let page = raw.prefix(logLimit)
        var changes = holdings.snapshot
        let filtered = viewer.map { $0.author.role != "executive" } ?? false
        var access = AccessCache()
        for entry in page {
            guard filtered, let viewer, let scope = entry.scope, scope != .org else {
                changes.append(entry.wire)
                continue
            }
            // One read of every client the page names, not one per entry.
            if access.isEmpty { try access.load(Set(page.compactMap(\.client)), store: store) }
            if Buckets.visible(scope, client: try access.state(of: entry.client, store: store), to: viewer.author) { changes.append(entry.wire) }
        }
        let last = page.last?.position ?? position
        return LogPage(changes: changes, last: last, more: raw.count > logLimit, revokes: holdings.revokes, offer: holdings.offer, head: max(head, last))
    }

    /// Every row of a bucket, as a change that sets all its fields.
    static func bucketRows(_ bucket: Revoke, serverSite: String, store: some ViewStore) throws -> [String] {
        var rows: [(String, String, [String: FieldState])] = []
        let clientKey = RowKey(EntityKind.client.name, bucket.client)
        if bucket.scope == .header, let client = try store.rows([clientKey])[clientKey], !client.deleted {
            rows.append((EntityKind.client.name, bucket.client, client.fields))
        }
        for (key, stored) in try store.liveRows(ofClient: bucket.client) {
            let fields = try StoredFields.decode(stored)
            guard Buckets.place(entity: key.entity, rowID: key.id, fields: fields.mapValues(\.value)).scope == bucket.scope else { continue }
            rows.append((key.entity, key.id, fields))
        }
        let order = ReplicatedSchema.tableOrder
        return rows.sorted { (order[$0.0] ?? 0, $0.1) < (order[$1.0] ?? 0, $1.1) }.map { entity, id, fields in
            let hlc = fields.values.map(\.hlc).max() ?? .zero
            let change = RowChange(seq: 0, hlc: hlc, entity: EntityKind(entity), rowID: id, operation: .set,
                                   fields: fields.filter { $0.key != RowState.deletionMark }.sorted { $0.key < $1.key }.map { FieldAssignment($0.key, $0.value.value) })
            return WireEncoding.change(change, site: serverSite)
        }
    }
}

/// The access of the clients a pull or row read looked up, read once each.
struct AccessCache {
    private var known: [String: RowState?] = [:]

    /// Whether nothing was read yet.
    var isEmpty: Bool { known.isEmpty }

    /// Reads the access of `ids` in one store call.
    mutating func load(_ ids: Set<String>, store: some ViewStore) throws {
        let found = try store.clientAccess(ids.filter { known[$0] == nil })
        for id in ids where known[id] == nil { known[id] = .some(found[id]?.state) }
    }

    /// The access of a client (`nil` for none, or a client that does not exist).
    mutating func state(of id: String?, store: some ViewStore) throws -> RowState? {
        guard let id else { return nil }
        if known[id] == nil { try load([id], store: store) }
        return known[id] ?? nil
    }
}
