import Foundation
import PostgresNIO
import ServerStore
import SyncCore

/// Pushes, pulls and row reads on PostgreSQL.
extension PostgresSyncStorage {
    public func device(tokenHash: String) async throws -> Device? {
        try await session { session in
            // A revoked token, or one of a staff member who was deleted (or never existed),
            // opens nothing.
            try session.query("""
                SELECT d.id, d.name, d.user_id, r.fields::jsonb -> 'role' ->> 'v', r.fields::jsonb -> 'branch_id' ->> 'v'
                FROM device d JOIN record r ON r.entity = 'staff_user' AND r.row_id = d.user_id AND NOT r.deleted
                WHERE d.token_hash = \(tokenHash) AND d.revoked_at IS NULL
                """).first.map { row in
                let (id, name, user, role, branch) = try row.decode((String, String, String, String?, String?).self)
                return Device(id: id, name: name, userID: user, role: role ?? "general", branch: branch)
            }
        }
    }

    public func register(site: String, device: Device) async throws -> Registration {
        try await transaction { session in
            // The device's row, locked: its sites are counted by one registration at a time.
            try session.query("SELECT id FROM device WHERE id = \(device.id) FOR UPDATE")
            if let owner = try session.query("SELECT device_id FROM device_site WHERE site_id = \(site)").first?.decode(String.self) {
                return owner == device.id ? .registered : .anotherDevice
            }
            let sites = try session.query("SELECT COUNT(*) FROM device_site WHERE device_id = \(device.id)").first?.decode(Int64.self) ?? 0
            guard sites < Registration.sitesPerDevice else { return .tooManySites(limit: Registration.sitesPerDevice) }
            try session.execute("INSERT INTO device_site (site_id, device_id) VALUES (\(site), \(device.id)) ON CONFLICT DO NOTHING")
            let owner = try session.query("SELECT device_id FROM device_site WHERE site_id = \(site)").first?.decode(String.self)
            return owner == device.id ? .registered : .anotherDevice
        }
    }

    public func push(_ request: PushRequest, device: Device, now: Int64, maxSkewMillis: Int64) async throws -> Result<PushResponse, ErrorResponse> {
        let rules = rules
        // A large push runs alone at once rather than failing its lock budget first.
        var exclusive = request.changes.count > KeyLocks.limit / 3
        while true {
            do {
                return try await transaction { [exclusive] session in
                    let locks = KeyLocks(exclusive: exclusive)
                    try locks.begin(session)
                    // The site's row, locked: the same push retried on another instance
                    // waits here, then finds it applied (exactly once).
                    guard try session.query("SELECT device_id FROM device_site WHERE site_id = \(request.site) FOR UPDATE").first?.decode(String.self) == device.id else {
                        return .failure(ErrorResponse(code: "site_not_registered", message: "site \(request.site) is not registered to this device"))
                    }
                    return try PushSteps.apply(request.changes, site: request.site, now: now, maxSkewMillis: maxSkewMillis, rules: rules, author: device,
                                               store: PGRecords(session: session, locks: locks))
                }
            } catch is KeyLocks.TooMany {
                exclusive = true
            }
        }
    }

    public func pull(after position: Int64, offer: Int64, limit: Int, viewer: Viewer?) async throws -> LogPage {
        // One snapshot: the log's head and every row read with it (ADR 0008).
        try await transaction("REPEATABLE READ") { session in
            let store = PGRecords(session: session, locks: nil)
            let site = try viewer.flatMap { viewer in try PullSteps.tracksGrants(viewer, store: store) ? viewer.site : nil }
            return try PullSteps.pull(after: position, limit: limit, viewer: viewer, site: site, offer: offer, store: store)
        }
    }

    public func rows(_ keys: [RowsRequest.Key], viewer: Viewer?) async throws -> RowsResponse {
        try await transaction("REPEATABLE READ") { session in
            try RowReads.rows(keys, viewer: viewer, store: PGRecords(session: session, locks: nil))
        }
    }
}
