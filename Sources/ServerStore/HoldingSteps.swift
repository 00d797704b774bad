import Foundation
import SyncCore

/// The buckets each tracked replica holds (``Holding``), over any ``ViewStore``: examined
/// again only for clients whose access changed since the site's last pull, or for all when
/// its user's role or branch changed; owed snapshots and purges offered in bounded pieces,
/// each acknowledged by the replica naming the offer in its next pull.
enum HoldingSteps {
    /// What a tracked site's pull sends besides the log.
    struct Reply {
        /// Rows of granted buckets, as changes setting every field.
        var snapshot: [String] = []
        /// Buckets to purge.
        var revokes: [Revoke] = []
        /// The offer's id, when the reply carries grants or revokes.
        var offer: Int64?
        /// Whether more is owed than this reply carries.
        var more = false
        /// The log's head when the holdings were examined.
        var head: Int64?
    }

    /// The grants and revokes offered to a site, waiting for acknowledgement.
    private struct Offer: Codable {
        var granted: [Revoke]
        var revoked: [Revoke]
    }

    /// Revokes per reply at most (each is a few dozen bytes).
    static let revokesPerReply = 5_000
    /// Owed buckets looked at per reply at most (most hold a few rows, some none).
    static let grantsLookedAt = 5_000

    /// Acknowledges the site's last offer when `acknowledged` names it, re-examines access
    /// changed since the site's last pull, and offers what is owed: snapshots of at most
    /// `rowBudget` rows (at least one bucket) and at most ``revokesPerReply`` revokes.
    static func holdings(site: String, author: Permissions.Author, after position: Int64, acknowledged: Int64,
                         rowBudget: Int, store: some ViewStore) throws -> Reply {
        let head = try store.logHead()
        var offerID: Int64 = 0
        var since: Int64?
        var examined = false
        if let view = try store.siteView(site) {
            offerID = view.offerID
            if let pending = view.pending {
                if acknowledged == offerID {
                    try acknowledge(try JSONDecoder().decode(Offer.self, from: Data(pending.utf8)), site: site, store: store)
                }
                // Not acknowledged: the reply was lost (or another process pulled), and
                // what it offered is still owed.
                try store.setOffer(site: site, id: offerID, pending: nil)
            }
            let sameUser = view.role == author.role && view.branch == author.branch
            since = sameUser ? view.reconciledAt : nil
            examined = sameUser && view.reconciledAt == head
        } else {
            // The site's first tracked pull. From the start of the log the filtered log
            // brings everything visible; a replica that synced before buckets were tracked
            // holds everything, and loses what it may not see.
            try store.createSiteView(site, holdingEverything: position > 0)
        }
        // Examined through the head already (a poll woken again): nothing changed since.
        if !examined {
            try reconcile(site: site, author: author, after: position, since: since, store: store)
            try store.setReconciled(site: site, at: head, role: author.role, branch: author.branch)
        }
        var reply = try offer(site: site, offerID: offerID, rowBudget: rowBudget, store: store)
        reply.head = head
        return reply
    }

    /// Applies an acknowledged offer: granted buckets are held, revoked ones forgotten.
    private static func acknowledge(_ offer: Offer, site: String, store: some ViewStore) throws {
        let buckets = offer.granted + offer.revoked
        let current = try store.holdings(site: site, clients: Set(buckets.map(\.client)))
        var changed: [(Revoke, Holding?)] = []
        for (bucket, granted) in offer.granted.map({ ($0, true) }) + offer.revoked.map({ ($0, false) }) {
            let next = Holding.acknowledged(current[bucket], granted: granted)
            if next != current[bucket] { changed.append((bucket, next)) }
        }
        try store.setHoldings(site: site, changed)
    }

    /// Examines again the buckets of every client whose access changed after log position
    /// `since` (of every client when `since` is nil).
    private static func reconcile(site: String, author: Permissions.Author, after position: Int64, since: Int64?, store: some ViewStore) throws {
        // Each client examined, with the position of its creation when that is after the
        // examination's start (0, "long ago", otherwise: a bucket gained then is sent
        // whole unless the site pulls from the start of the log).
        let created: [String: Int64]
        let access: [String: ClientAccess]
        let holdings: [Revoke: Holding]
        if let since {
            created = try store.accessChanges(after: since)
            guard !created.isEmpty else { return }
            access = try store.clientAccess(Set(created.keys))
            holdings = try store.holdings(site: site, clients: Set(access.keys))
        } else {
            access = try store.allClientAccess()
            created = [:]
            holdings = try store.holdings(site: site, clients: nil)
        }
        var changed: [(Revoke, Holding?)] = []
        for (client, state) in access.sorted(by: { $0.key < $1.key }) {
            // Every row of a client is logged after its creation: a site whose cursor is
            // before it gets the whole bucket from the log.
            let throughLog = position == 0 || (created[client] ?? 0) > position
            for scope in [Buckets.Scope.header, .details] {
                let bucket = Revoke(client: client, scope: scope)
                let current = holdings[bucket]
                // A deleted client stays visible as it last was: the conflict records about
                // it (edits that lost to its deletion) stay with those who saw it.
                let next = Holding.next(current, visible: Buckets.visible(scope, client: state.state, to: author), arrivesThroughLog: throughLog)
                if next != current { changed.append((bucket, next)) }
            }
        }
        try store.setHoldings(site: site, changed)
    }

    /// Offers what is owed, within the reply's bounds, and records the offer as pending.
    private static func offer(site: String, offerID: Int64, rowBudget: Int, store: some ViewStore) throws -> Reply {
        var reply = Reply()
        let revoked = try store.buckets(site: site, in: .revoke, limit: revokesPerReply + 1)
        reply.revokes = Array(revoked.prefix(revokesPerReply))
        reply.more = revoked.count > revokesPerReply
        // Card headers before details, so a client arrives before its memos.
        let owed = try store.buckets(site: site, in: .want, limit: grantsLookedAt + 1)
        var granted: [Revoke] = []
        let server = try store.serverSite()
        for bucket in owed.prefix(grantsLookedAt) {
            let rows = try PullSteps.bucketRows(bucket, serverSite: server, store: store)
            if !granted.isEmpty && reply.snapshot.count + rows.count > rowBudget {
                reply.more = true
                break
            }
            granted.append(bucket)
            reply.snapshot += rows
        }
        if owed.count > grantsLookedAt && granted.count == grantsLookedAt { reply.more = true }
        guard !granted.isEmpty || !reply.revokes.isEmpty else { return reply }
        let next = offerID + 1
        let pending = String(decoding: try JSONEncoder().encode(Offer(granted: granted, revoked: reply.revokes)), as: UTF8.self)
        try store.setOffer(site: site, id: next, pending: pending)
        reply.offer = next
        return reply
    }
}
