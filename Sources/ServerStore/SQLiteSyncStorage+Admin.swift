import CRMModel
import Foundation
import GRDB
import SyncCore

extension SQLiteSyncStorage {
    public func device(tokenHash: String) async throws -> Device? {
        try await pool.read { db in
            // A revoked token, or one of a staff member who was deleted (or never existed),
            // opens nothing.
            guard let row = try Row.fetchOne(db, sql: """
                SELECT d.id, d.name, d.user_id, json_extract(r.fields, '$.role.v') AS role, json_extract(r.fields, '$.branch_id.v') AS branch
                FROM device d JOIN record r ON r.entity = 'staff_user' AND r.row_id = d.user_id AND r.deleted = 0
                WHERE d.token_hash = ? AND d.revoked_at IS NULL
                """, arguments: [tokenHash]) else { return nil }
            return Device(id: row[0], name: row[1], userID: row[2], role: row["role"] ?? "general", branch: row["branch"])
        }
    }

    public func addBranch(name: String, now: Int64) async throws -> String {
        let id = ids.next().uuidString.lowercased()
        try await pool.write { db in try ServerWrites.addBranch(id: id, name: name, now: now, store: SQLiteRecords(db: db)) }
        return id
    }

    public func addUser(name: String, role: String, team: String, branch: String, now: Int64) async throws -> String {
        let id = ids.next().uuidString.lowercased()
        try await pool.write { db in try ServerWrites.addUser(id: id, name: name, role: role, team: team, branch: branch, now: now, store: SQLiteRecords(db: db)) }
        return id
    }

    public func setRole(user: String, role: String, branch: String?, now: Int64) async throws {
        try await pool.write { db in try ServerWrites.setRole(user: user, role: role, branch: branch, now: now, store: SQLiteRecords(db: db)) }
    }

    public func addDevice(user: String, name: String, tokenHash: String) async throws -> String {
        let id = ids.next().uuidString.lowercased()
        try await pool.write { db in
            guard try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM record WHERE entity = 'staff_user' AND row_id = ? AND deleted = 0)", arguments: [user]) == true else {
                throw StorageError("--user: staff user \(user) not found")
            }
            try db.execute(sql: "INSERT INTO device (id, user_id, name, token_hash, created_at) VALUES (?, ?, ?, ?, ?)",
                           arguments: [id, user, name, tokenHash, Int64(Date().timeIntervalSince1970 * 1000)])
        }
        return id
    }

    public func revoke(tokenHash: String) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "UPDATE device SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL",
                           arguments: [Int64(Date().timeIntervalSince1970 * 1000), tokenHash])
            return db.changesCount > 0
        }
    }

    public func branchNames() async throws -> [String: String] {
        try await pool.read { db in
            Dictionary(try Row.fetchAll(db, sql: "SELECT row_id, json_extract(fields, '$.name.v') FROM record WHERE entity = 'branch'").map { ($0[0], $0[1] ?? "") },
                       uniquingKeysWith: { first, _ in first })
        }
    }

    public func users() async throws -> [StaffMember] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT row_id, deleted, json_extract(fields, '$.name.v'), json_extract(fields, '$.role.v'), json_extract(fields, '$.team.v'),
                       json_extract(fields, '$.branch_id.v')
                FROM record WHERE entity = 'staff_user' ORDER BY json_extract(fields, '$.name.v'), row_id
                """).map {
                StaffMember(id: $0[0], name: $0[2] ?? "", role: $0[3] ?? "general", team: $0[4] ?? "other", branch: $0[5], deleted: $0[1])
            }
        }
    }

    public func tokens(ofUser user: String) async throws -> [DeviceTokenInfo]? {
        try await pool.read { db in
            guard try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM record WHERE entity = 'staff_user' AND row_id = ?)", arguments: [user]) == true else {
                return nil
            }
            return try Row.fetchAll(db, sql: "SELECT name, created_at, revoked_at FROM device WHERE user_id = ? ORDER BY created_at, id", arguments: [user]).map {
                DeviceTokenInfo(device: $0[0], createdAt: $0[1], revokedAt: $0[2])
            }
        }
    }

    public func revokeTokens(ofUser user: String) async throws -> Int? {
        try await pool.write { db in
            guard try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM record WHERE entity = 'staff_user' AND row_id = ?)", arguments: [user]) == true else {
                return nil
            }
            try db.execute(sql: "UPDATE device SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL",
                           arguments: [Int64(Date().timeIntervalSince1970 * 1000), user])
            return db.changesCount
        }
    }

    public func refusedChanges(limit: Int) async throws -> [RefusedChange] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT at, user_id, site, seq, entity, row_id, fields, reason, detail FROM refused_change ORDER BY id DESC LIMIT ?
                """, arguments: [limit]).reversed().map {
                RefusedChange(at: $0[0], userId: $0[1], site: $0[2], seq: $0[3], entity: $0[4], rowId: $0[5], fields: $0[6], reason: $0[7], detail: $0[8])
            }
        }
    }
}
