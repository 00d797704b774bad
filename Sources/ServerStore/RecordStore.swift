import SyncCore

/// What the server's rules need from a store, inside the push's transaction, and nothing
/// more: rows by key, the booking index, a client's live schedules. A store implements it
/// with its own SQL; the rules (``BookingRuleSteps``) are written once over it, so the
/// SQLite store and a PostgreSQL store apply the same rules (issue 14, ADR 0008).
protocol RecordStore {
    /// The stored state of each key that exists (tombstones included).
    func rows(_ keys: Set<RowKey>) throws -> [RowKey: RowState]
    /// Puts a scheduled booking into the booking index, replacing its previous entry.
    func indexBooking(_ booking: BookingRules.Booking) throws
    /// Takes a schedule out of the booking index.
    func unindexBooking(schedule: String) throws
    /// The indexed bookings that share `booking`'s staff member, room or class and overlap
    /// its time, by schedule id (`booking` itself included when indexed).
    func bookings(overlapping booking: BookingRules.Booking) throws -> [BookingRules.Booking]
    /// The schedules of `client` that are not deleted, by id, with their fields.
    func liveSchedules(ofClient client: String) throws -> [(id: String, fields: [String: FieldState])]
}

extension RecordStore {
    /// The stored state of one row.
    func row(_ entity: EntityKind, _ id: String) throws -> RowState? {
        try rows([RowKey(entity.name, id)])[RowKey(entity.name, id)]
    }
}
