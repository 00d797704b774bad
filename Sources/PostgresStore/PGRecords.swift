import PostgresNIO
import ServerStore
import SyncCore

/// The PostgreSQL store's ``RecordStore`` and ``ViewStore``: its SQL on one session, each
/// call one statement however many rows it reads or writes (arrays through `unnest`).
/// With `locks`, every row it reads for a push is locked first (``KeyLocks``).
struct PGRecords {
    let session: PGSession
    let locks: KeyLocks?

    /// The rows of `keys` in one statement.
    func fetchRows(_ keys: [RowKey]) throws -> [PostgresRow] {
        guard !keys.isEmpty else { return [] }
        return try session.query("""
            SELECT r.entity, r.row_id, r.deleted, r.client_id, r.fields
            FROM unnest(\(keys.map(\.entity))::text[], \(keys.map(\.id))::text[]) AS k(entity, row_id)
            JOIN record r ON r.entity = k.entity AND r.row_id = k.row_id
            """)
    }
}

extension PGRecords: RecordStore {
    func rows(_ keys: Set<RowKey>) throws -> [RowKey: RowState] {
        try locks?.lock(keys.map(KeyLocks.name), session)
        var found: [RowKey: RowState] = [:]
        for row in try fetchRows(Array(keys)) {
            let (entity, id, deleted, _, fields) = try row.decode((String, String, Bool, String?, String).self)
            found[RowKey(entity, id)] = RowState(deleted: deleted, fields: try StoredFields.decode(fields))
        }
        return found
    }

    func writeRows(_ rows: [StoredRow]) throws {
        guard !rows.isEmpty else { return }
        try session.execute("""
            INSERT INTO record (entity, row_id, deleted, client_id, fields)
            SELECT e, r, d, NULLIF(c, ''), f FROM unnest(\(rows.map(\.key.entity))::text[], \(rows.map(\.key.id))::text[], \(rows.map(\.state.deleted))::bool[],
                                                  \(rows.map { $0.client ?? "" })::text[], \(rows.map { StoredFields.encode($0.state.fields) })::text[]) AS t(e, r, d, c, f)
            ON CONFLICT (entity, row_id) DO UPDATE SET deleted = excluded.deleted, client_id = excluded.client_id, fields = excluded.fields
            """)
    }

    func tombstoneChildren(ofClient client: String, entity: String) throws {
        try session.execute("UPDATE record SET deleted = true WHERE client_id = \(client) AND entity = \(entity) AND NOT deleted")
    }

    func indexBooking(_ booking: BookingRules.Booking) throws {
        // Whoever books the same staff member, room or class waits for this push.
        try locks?.lock([booking.staff.map { "staff/\($0)" }, booking.room.map { "room/\($0)" }, booking.course.map { "course/\($0)" }].compactMap { $0 }, session)
        try session.execute("""
            INSERT INTO booking (schedule_id, client_id, starts_at, ends_at, staff_id, room_id, course_id)
            VALUES (\(booking.id), \(booking.client), \(booking.startsAt), \(booking.endsAt), \(booking.staff), \(booking.room), \(booking.course))
            ON CONFLICT (schedule_id) DO UPDATE SET client_id = excluded.client_id, starts_at = excluded.starts_at, ends_at = excluded.ends_at,
                staff_id = excluded.staff_id, room_id = excluded.room_id, course_id = excluded.course_id
            """)
    }

    func unindexBooking(schedule: String) throws {
        try session.execute("DELETE FROM booking WHERE schedule_id = \(schedule)")
    }

    func unindexBookings(ofClient client: String) throws {
        try session.execute("DELETE FROM booking WHERE client_id = \(client)")
    }

    func bookings(overlapping booking: BookingRules.Booking) throws -> [BookingRules.Booking] {
        try session.query("""
            SELECT schedule_id, client_id, starts_at, ends_at, staff_id, room_id, course_id FROM booking
            WHERE (staff_id = \(booking.staff) OR room_id = \(booking.room) OR course_id = \(booking.course))
              AND starts_at < \(booking.endsAt) AND ends_at > \(booking.startsAt)
            ORDER BY schedule_id
            """).map { row in
            let (id, client, starts, ends, staff, room, course) = try row.decode((String, String, String, String, String?, String?, String?).self)
            return BookingRules.Booking(id: id, client: client, startsAt: starts, endsAt: ends, staff: staff, room: room, course: course)
        }
    }

    func liveSchedules(ofClient client: String) throws -> [(id: String, fields: [String: FieldState])] {
        try session.query("SELECT row_id, fields FROM record WHERE client_id = \(client) AND entity = 'schedule' AND NOT deleted ORDER BY row_id").map { row in
            let (id, fields) = try row.decode((String, String).self)
            return (id: id, fields: try StoredFields.decode(fields))
        }
    }

    func serverSite() throws -> String {
        try session.query("SELECT site_id FROM server_meta WHERE id = 1").first?.decode(String.self) ?? ""
    }

    func nextServerSeq() throws -> Int64 {
        // Locked: pushes on other instances that make rows by rule wait for this one.
        try session.query("SELECT next_seq FROM server_meta WHERE id = 1 FOR UPDATE").first?.decode(Int64.self) ?? 1
    }

    func setNextServerSeq(_ seq: Int64) throws {
        try session.execute("UPDATE server_meta SET next_seq = \(seq) WHERE id = 1")
    }

    func appliedSeq(site: String) throws -> Int64 {
        try session.query("SELECT applied_seq FROM site_state WHERE site_id = \(site)").first?.decode(Int64.self) ?? 0
    }

    func recordApplied(site: String, through seq: Int64) throws {
        try session.execute("""
            INSERT INTO site_state (site_id, applied_seq) VALUES (\(site), \(seq))
            ON CONFLICT (site_id) DO UPDATE SET applied_seq = GREATEST(site_state.applied_seq, excluded.applied_seq)
            """)
    }

    func users(ofSites sites: Set<String>) throws -> [String: String] {
        var users: [String: String] = [:]
        for row in try session.query("SELECT s.site_id, d.user_id FROM device_site s JOIN device d ON d.id = s.device_id WHERE s.site_id = ANY(\(Array(sites))::text[])") {
            let (site, user) = try row.decode((String, String).self)
            users[site] = user
        }
        return users
    }

    func appendLog(_ entries: [LogEntry]) throws -> [Int64] {
        guard !entries.isEmpty else { return [] }
        // The head row last, in the same statement as the entries: every position below the
        // new head is committed before a later push can take the head (ADR 0008).
        let count = Int64(entries.count)
        let base = try session.query("""
            WITH head AS (UPDATE sync_head SET position = position + \(count) WHERE id = 1 RETURNING position - \(count) AS base),
            added AS (
                INSERT INTO change_log (position, site, seq, wire, created_at, scope, client_id, access)
                SELECT head.base + t.ord, t.site, t.seq, t.wire, t.created_at, t.scope, NULLIF(t.client_id, ''), t.access
                FROM head, unnest(\(entries.map(\.site))::text[], \(entries.map(\.seq))::int8[], \(entries.map(\.wire))::text[],
                                  \(entries.map(\.createdAt))::int8[], \(entries.map(\.scope.rawValue))::text[], \(entries.map { $0.client ?? "" })::text[],
                                  \(entries.map { Int16($0.access) })::int2[])
                     WITH ORDINALITY AS t(site, seq, wire, created_at, scope, client_id, access, ord)
                RETURNING 1
            )
            SELECT base FROM head
            """).first?.decode(Int64.self) ?? 0
        return (1...count).map { base + $0 }
    }

    func recordedRefusal(site: String, seq: Int64) throws -> (reason: String, detail: String?)? {
        try session.query("SELECT reason, detail FROM refused_change WHERE site = \(site) AND seq = \(seq) ORDER BY id DESC LIMIT 1").first.map { row in
            let (reason, detail) = try row.decode((String, String?).self)
            return (reason: reason, detail: detail)
        }
    }

    func audit(_ refusals: [RefusedChange]) throws {
        guard !refusals.isEmpty else { return }
        try session.execute("""
            INSERT INTO refused_change (at, user_id, site, seq, entity, row_id, fields, reason, detail)
            SELECT at, NULLIF(u, ''), s, q, e, r, NULLIF(f, ''), reason, NULLIF(detail, '')
            FROM unnest(\(refusals.map(\.at))::int8[], \(refusals.map { $0.userId ?? "" })::text[], \(refusals.map(\.site))::text[], \(refusals.map(\.seq))::int8[],
                        \(refusals.map(\.entity))::text[], \(refusals.map(\.rowId))::text[], \(refusals.map { $0.fields ?? "" })::text[], \(refusals.map(\.reason))::text[],
                        \(refusals.map { $0.detail ?? "" })::text[]) AS t(at, u, s, q, e, r, f, reason, detail)
            """)
    }

    func tracksHoldings(site: String) throws -> Bool {
        try session.query("SELECT EXISTS (SELECT 1 FROM site_view WHERE site_id = \(site))").first?.decode(Bool.self) ?? false
    }

    func addHoldings(site: String, _ holdings: [Revoke: Holding]) throws {
        guard !holdings.isEmpty else { return }
        let sorted = holdings.sorted { ($0.key.client, $0.key.scope.rawValue) < ($1.key.client, $1.key.scope.rawValue) }
        try session.execute("""
            INSERT INTO site_grant (site_id, client_id, scope, state)
            SELECT \(site), c, s, h FROM unnest(\(sorted.map(\.key.client))::text[], \(sorted.map(\.key.scope.rawValue))::text[], \(sorted.map(\.value.rawValue))::text[]) AS t(c, s, h)
            ON CONFLICT DO NOTHING
            """)
    }
}
