import Foundation
import GRDB
import SQLiteBinding
import SyncCore

extension SQLiteSyncStorage {
    public func register(site: String, device: Device) async throws -> Registration {
        try await pool.write { db in
            if let owner = try String.fetchOne(try db.cachedStatement(sql: "SELECT device_id FROM device_site WHERE site_id = ?"), arguments: [site]) {
                return owner == device.id ? .registered : .anotherDevice
            }
            // Each site costs a holding per visible bucket: a device does not get unlimited ones.
            let sites = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM device_site WHERE device_id = ?", arguments: [device.id]) ?? 0
            guard sites < Registration.sitesPerDevice else { return .tooManySites(limit: Registration.sitesPerDevice) }
            try db.cachedStatement(sql: "INSERT INTO device_site (site_id, device_id) VALUES (?, ?)").execute(arguments: [site, device.id])
            return .registered
        }
    }


    public func push(_ request: PushRequest, device: Device, now: Int64, maxSkewMillis: Int64) async throws -> Result<PushResponse, ErrorResponse> {
        try await pool.write { db in
            guard let owner = try String.fetchOne(try db.cachedStatement(sql: "SELECT device_id FROM device_site WHERE site_id = ?"), arguments: [request.site]),
                  owner == device.id else {
                return .failure(ErrorResponse(code: "site_not_registered", message: "site \(request.site) is not registered to this device"))
            }
            return try Self.apply(request.changes, site: request.site, db: db, now: now, maxSkewMillis: maxSkewMillis, rules: rules, author: device)
        }
    }

    /// Plans and writes a batch inside the caller's transaction (``PushSteps``).
    /// `author` is the pushing device, whose rights each change is checked against; `nil`
    /// for the server's own writes.
    static func apply(_ changes: [WireChange], site: String, db: Database, now: Int64, maxSkewMillis: Int64,
                      rules: PushPlanner.Rules = .init(), author: Device? = nil) throws -> Result<PushResponse, ErrorResponse> {
        try PushSteps.apply(changes, site: site, now: now, maxSkewMillis: maxSkewMillis, rules: rules, author: author, store: SQLiteRecords(db: db))
    }

    static func serverSite(_ db: Database) throws -> String {
        try String.fetchOne(try db.cachedStatement(sql: "SELECT site_id FROM server_meta WHERE id = 1")) ?? ""
    }

    static func loadRows(_ keys: Set<RowKey>, db: Database) throws -> [RowKey: RowState] {
        var rows: [RowKey: RowState] = [:]
        let statement = try db.cachedStatement(sql: "SELECT deleted, fields FROM record WHERE entity = ? AND row_id = ?")
        for key in keys {
            guard let row = try Row.fetchOne(statement, arguments: [key.entity, key.id]) else { continue }
            rows[key] = RowState(deleted: row[0], fields: try StoredFields.decode(row[1]))
        }
        return rows
    }
}
