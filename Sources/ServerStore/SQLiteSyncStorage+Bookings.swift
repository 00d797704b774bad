import GRDB
import SyncCore

extension SQLiteSyncStorage {
    /// The SQLite store's ``RecordStore``: its SQL on the push's connection, inside the
    /// push's transaction.
    struct SQLiteRecords: RecordStore {
        let db: Database

        func rows(_ keys: Set<RowKey>) throws -> [RowKey: RowState] {
            try SQLiteSyncStorage.loadRows(keys, db: db)
        }

        func indexBooking(_ booking: BookingRules.Booking) throws {
            try db.cachedStatement(sql: """
                INSERT OR REPLACE INTO booking (schedule_id, client_id, starts_at, ends_at, staff_id, room_id, course_id) VALUES (?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [booking.id, booking.client, booking.startsAt, booking.endsAt, booking.staff, booking.room, booking.course])
        }

        func unindexBooking(schedule: String) throws {
            try db.cachedStatement(sql: "DELETE FROM booking WHERE schedule_id = ?").execute(arguments: [schedule])
        }

        func bookings(overlapping booking: BookingRules.Booking) throws -> [BookingRules.Booking] {
            var found: [String: BookingRules.Booking] = [:]
            for (column, value) in [("staff_id", booking.staff), ("room_id", booking.room), ("course_id", booking.course)] {
                guard let value else { continue }
                let rows = try Row.fetchAll(db, sql: """
                    SELECT schedule_id, client_id, starts_at, ends_at, staff_id, room_id, course_id FROM booking
                    WHERE \(column) = ? AND starts_at < ? AND ends_at > ?
                    """, arguments: [value, booking.endsAt, booking.startsAt])
                for row in rows {
                    found[row[0]] = BookingRules.Booking(id: row[0], client: row[1], startsAt: row[2], endsAt: row[3], staff: row[4], room: row[5], course: row[6])
                }
            }
            return found.values.sorted { $0.id < $1.id }
        }

        func liveSchedules(ofClient client: String) throws -> [(id: String, fields: [String: FieldState])] {
            let statement = try db.cachedStatement(sql: "SELECT row_id, fields FROM record WHERE client_id = ? AND entity = 'schedule' AND deleted = 0 ORDER BY row_id")
            return try Row.fetchAll(statement, arguments: [client]).map { (id: $0[0], fields: try StoredFields.decode($0[1])) }
        }
    }
}
