import GRDB
import SQLiteBinding
import SyncCore

extension SQLiteSyncStorage {
    /// The SQLite store's ``RecordStore``: its SQL on the push's connection, inside the
    /// push's transaction.
    struct SQLiteRecords: RecordStore {
        let db: Database

        func rows(_ keys: Set<RowKey>) throws -> [RowKey: RowState] {
            try SQLiteSyncStorage.loadRows(keys, db: db)
        }

        func writeRows(_ rows: [StoredRow]) throws {
            let statement = try db.cachedStatement(sql: """
                INSERT INTO record (entity, row_id, deleted, client_id, fields) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (entity, row_id) DO UPDATE SET deleted = excluded.deleted, client_id = excluded.client_id, fields = excluded.fields
                """)
            for row in rows {
                try RawStatement.execute(statement, .text(row.key.entity), [.text(row.key.id), .integer(row.state.deleted ? 1 : 0),
                                                                           row.client.map(FieldValue.text) ?? .null, .text(StoredFields.encode(row.state.fields))])
            }
        }

        func tombstoneChildren(ofClient client: String, entity: String) throws {
            try db.cachedStatement(sql: "UPDATE record SET deleted = 1 WHERE client_id = ? AND entity = ?").execute(arguments: [client, entity])
        }

        func indexBooking(_ booking: BookingRules.Booking) throws {
            try db.cachedStatement(sql: """
                INSERT OR REPLACE INTO booking (schedule_id, client_id, starts_at, ends_at, staff_id, room_id, course_id) VALUES (?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [booking.id, booking.client, booking.startsAt, booking.endsAt, booking.staff, booking.room, booking.course])
        }

        func unindexBooking(schedule: String) throws {
            try db.cachedStatement(sql: "DELETE FROM booking WHERE schedule_id = ?").execute(arguments: [schedule])
        }

        func unindexBookings(ofClient client: String) throws {
            try db.cachedStatement(sql: "DELETE FROM booking WHERE client_id = ?").execute(arguments: [client])
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
    
        func serverSite() throws -> String {
            try SQLiteSyncStorage.serverSite(db)
        }

        func nextServerSeq() throws -> Int64 {
            try Int64.fetchOne(try db.cachedStatement(sql: "SELECT next_seq FROM server_meta WHERE id = 1")) ?? 1
        }

        func setNextServerSeq(_ seq: Int64) throws {
            try db.cachedStatement(sql: "UPDATE server_meta SET next_seq = ? WHERE id = 1").execute(arguments: [seq])
        }

        func appliedSeq(site: String) throws -> Int64 {
            try Int64.fetchOne(try db.cachedStatement(sql: "SELECT applied_seq FROM site_state WHERE site_id = ?"), arguments: [site]) ?? 0
        }

        func recordApplied(site: String, through seq: Int64) throws {
            try db.cachedStatement(sql: """
                INSERT INTO site_state (site_id, applied_seq) VALUES (?, ?)
                ON CONFLICT (site_id) DO UPDATE SET applied_seq = MAX(applied_seq, excluded.applied_seq)
                """).execute(arguments: [site, seq])
        }

        func users(ofSites sites: Set<String>) throws -> [String: String] {
            var users: [String: String] = [:]
            let statement = try db.cachedStatement(sql: "SELECT d.user_id FROM device_site s JOIN device d ON d.id = s.device_id WHERE s.site_id = ?")
            for site in sites {
                if let user = try String.fetchOne(statement, arguments: [site]) { users[site] = user }
            }
            return users
        }

        func appendLog(_ entries: [LogEntry]) throws -> [Int64] {
            let insert = try db.cachedStatement(sql: "INSERT INTO change_log (site, seq, wire, created_at, scope, client_id, access) VALUES (?, ?, ?, ?, ?, ?, ?)")
            return try entries.map { entry in
                try RawStatement.execute(insert, .text(entry.site), [.integer(entry.seq), .text(entry.wire), .integer(entry.createdAt), .text(entry.scope.rawValue),
                                                                    entry.client.map(FieldValue.text) ?? .null, .integer(entry.access)])
                return db.lastInsertedRowID
            }
        }

        func recordedRefusal(site: String, seq: Int64) throws -> (reason: String, detail: String?)? {
            let statement = try db.cachedStatement(sql: "SELECT reason, detail FROM refused_change WHERE site = ? AND seq = ? ORDER BY id DESC LIMIT 1")
            return try Row.fetchOne(statement, arguments: [site, seq]).map { (reason: $0[0], detail: $0[1]) }
        }

        func audit(_ refusals: [RefusedChange]) throws {
            let statement = try db.cachedStatement(sql: """
                INSERT INTO refused_change (at, user_id, site, seq, entity, row_id, fields, reason, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            for refusal in refusals {
                try statement.execute(arguments: [refusal.at, refusal.userId, refusal.site, refusal.seq, refusal.entity, refusal.rowId, refusal.fields,
                                                  refusal.reason, refusal.detail])
            }
        }

        func tracksHoldings(site: String) throws -> Bool {
            try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM site_view WHERE site_id = ?)"), arguments: [site]) == true
        }

        func addHoldings(site: String, _ holdings: [Revoke: Holding]) throws {
            let statement = try db.cachedStatement(sql: "INSERT OR IGNORE INTO site_grant (site_id, client_id, scope, state) VALUES (?, ?, ?, ?)")
            for (bucket, holding) in holdings.sorted(by: { ($0.key.client, $0.key.scope.rawValue) < ($1.key.client, $1.key.scope.rawValue) }) {
                try statement.execute(arguments: [site, bucket.client, bucket.scope.rawValue, holding.rawValue])
            }
        }
    }
}
