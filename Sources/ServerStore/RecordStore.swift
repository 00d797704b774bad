import SyncCore

/// What the server's rules need from a store, inside the push's transaction, and nothing
/// more: rows by key, the booking index, per-site progress, the log, holdings and the
/// refusal audit. A store implements it with its own SQL; the rules (``PushSteps``,
/// ``BookingRuleSteps``, ``PullSteps``, ``HoldingSteps``) are written once over it, so the
/// SQLite store and the PostgreSQL store apply the same rules (issue 14, ADR 0008).
package protocol RecordStore {
    /// The stored state of each key that exists (tombstones included).
    func rows(_ keys: Set<RowKey>) throws -> [RowKey: RowState]
    /// Inserts or replaces rows; each names the client it belongs to (none for clients
    /// and organisation rows), which pulls and cascades use.
    func writeRows(_ rows: [StoredRow]) throws
    /// Makes every live row of `entity` that belongs to `client` a tombstone.
    func tombstoneChildren(ofClient client: String, entity: String) throws

    /// Puts a scheduled booking into the booking index, replacing its previous entry.
    func indexBooking(_ booking: BookingRules.Booking) throws
    /// Takes a schedule out of the booking index.
    func unindexBooking(schedule: String) throws
    /// Takes every schedule of a client out of the booking index.
    func unindexBookings(ofClient client: String) throws
    /// The indexed bookings that share `booking`'s staff member, room or class and overlap
    /// its time, by schedule id (`booking` itself included when indexed).
    func bookings(overlapping booking: BookingRules.Booking) throws -> [BookingRules.Booking]
    /// The schedules of `client` that are not deleted, by id, with their fields.
    func liveSchedules(ofClient client: String) throws -> [(id: String, fields: [String: FieldState])]

    /// The server's own site id.
    func serverSite() throws -> String
    /// The sequence number the server's next own change takes.
    func nextServerSeq() throws -> Int64
    /// Moves the server's next sequence number to `seq`.
    func setNextServerSeq(_ seq: Int64) throws
    /// The highest sequence number applied from `site` (0 for none).
    func appliedSeq(site: String) throws -> Int64
    /// Raises the highest sequence number applied from `site` to `seq` (never lowers it).
    func recordApplied(site: String, through seq: Int64) throws
    /// The staff member behind each of `sites` that a device registered.
    func users(ofSites sites: Set<String>) throws -> [String: String]

    /// Appends entries to the global log, in order, as the last write of the push; their
    /// positions, in the same order.
    func appendLog(_ entries: [LogEntry]) throws -> [Int64]

    /// The refusal the audit last recorded for a change, if any.
    func recordedRefusal(site: String, seq: Int64) throws -> (reason: String, detail: String?)?
    /// Adds refused changes to the audit.
    func audit(_ refusals: [RefusedChange]) throws

    /// Whether the buckets `site` holds are tracked.
    func tracksHoldings(site: String) throws -> Bool
    /// Records holdings for `site` where it has none of those buckets yet.
    func addHoldings(site: String, _ holdings: [Revoke: Holding]) throws
}

/// A row as a store keeps it: its state, and the client it belongs to.
package struct StoredRow {
    /// Entity and id.
    package var key: RowKey
    /// Fields and tombstone.
    package var state: RowState
    /// The client it belongs to; `nil` for clients and organisation rows.
    package var client: String?
}

/// One entry of the global log, before it has a position.
package struct LogEntry {
    /// The site whose change it is.
    package var site: String
    /// Its sequence number there.
    package var seq: Int64
    /// The change's wire JSON, without position.
    package var wire: String
    /// Server time of the push, Unix milliseconds.
    package var createdAt: Int64
    /// The bucket scope it belongs to.
    package var scope: Buckets.Scope
    /// The client of its bucket, when it has one.
    package var client: String?
    /// 2 when it creates a client, 1 when it moves, reassigns or deletes one, else 0.
    package var access: Int64
}

extension RecordStore {
    /// The stored state of one row.
    func row(_ entity: EntityKind, _ id: String) throws -> RowState? {
        try rows([RowKey(entity.name, id)])[RowKey(entity.name, id)]
    }
}
