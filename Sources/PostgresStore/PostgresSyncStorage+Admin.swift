import CRMModel
import Foundation
import PostgresNIO
import ServerStore
import SyncCore

/// Branches, staff, device tokens and the refusal audit on PostgreSQL (`crm-server admin`).
extension PostgresSyncStorage {
    public func addBranch(name: String, now: Int64) async throws -> String {
        let id = ids.next().uuidString.lowercased()
        try await writeAsServer { try ServerWrites.addBranch(id: id, name: name, now: now, store: $0) }
        return id
    }

    public func addUser(name: String, role: String, team: String, branch: String, now: Int64) async throws -> String {
        let id = ids.next().uuidString.lowercased()
        try await writeAsServer { try ServerWrites.addUser(id: id, name: name, role: role, team: team, branch: branch, now: now, store: $0) }
        return id
    }

    public func setRole(user: String, role: String, branch: String?, now: Int64) async throws {
        try await writeAsServer { try ServerWrites.setRole(user: user, role: role, branch: branch, now: now, store: $0) }
    }

    public func addDevice(user: String, name: String, tokenHash: String) async throws -> String {
        let id = ids.next().uuidString.lowercased()
        guard try await exists(.staffUser, user) else { throw StorageError("--user: staff user \(user) not found") }
        let now = Self.nowMillis
        try await session { session in
            try session.execute("INSERT INTO device (id, user_id, name, token_hash, created_at) VALUES (\(id), \(user), \(name), \(tokenHash), \(now))")
        }
        return id
    }

    public func revoke(tokenHash: String) async throws -> Bool {
        let now = Self.nowMillis
        return try await session { session in
            try session.execute("UPDATE device SET revoked_at = \(now) WHERE token_hash = \(tokenHash) AND revoked_at IS NULL") > 0
        }
    }

    public func branchNames() async throws -> [String: String] {
        try await session { session in
            var names: [String: String] = [:]
            for row in try session.query("SELECT row_id, fields::jsonb -> 'name' ->> 'v' FROM record WHERE entity = 'branch'") {
                let (id, name) = try row.decode((String, String?).self)
                if names[id] == nil { names[id] = name ?? "" }
            }
            return names
        }
    }

    public func users() async throws -> [StaffMember] {
        try await session { session in
            try session.query("""
                SELECT row_id, deleted, f -> 'name' ->> 'v', f -> 'role' ->> 'v', f -> 'team' ->> 'v', f -> 'branch_id' ->> 'v'
                FROM (SELECT row_id, deleted, fields::jsonb AS f FROM record WHERE entity = 'staff_user') AS s
                ORDER BY f -> 'name' ->> 'v' COLLATE "C", row_id
                """).map { row in
                let (id, deleted, name, role, team, branch) = try row.decode((String, Bool, String?, String?, String?, String?).self)
                return StaffMember(id: id, name: name ?? "", role: role ?? "general", team: team ?? "other", branch: branch, deleted: deleted)
            }
        }
    }

    public func tokens(ofUser user: String) async throws -> [DeviceTokenInfo]? {
        guard try await exists(.staffUser, user, deletedToo: true) else { return nil }
        return try await session { session in
            try session.query("SELECT name, created_at, revoked_at FROM device WHERE user_id = \(user) ORDER BY created_at, id").map { row in
                let (name, created, revoked) = try row.decode((String, Int64, Int64?).self)
                return DeviceTokenInfo(device: name, createdAt: created, revokedAt: revoked)
            }
        }
    }

    public func revokeTokens(ofUser user: String) async throws -> Int? {
        guard try await exists(.staffUser, user, deletedToo: true) else { return nil }
        let now = Self.nowMillis
        return try await session { session in
            try session.execute("UPDATE device SET revoked_at = \(now) WHERE user_id = \(user) AND revoked_at IS NULL")
        }
    }

    public func refusedChanges(limit: Int) async throws -> [RefusedChange] {
        try await session { session in
            try session.query("""
                SELECT at, user_id, site, seq, entity, row_id, fields, reason, detail FROM refused_change ORDER BY id DESC LIMIT \(limit)
                """).reversed().map { row in
                let (at, user, site, seq, entity, rowID, fields, reason, detail) = try row.decode(
                    (Int64, String?, String, Int64, String, String, String?, String, String?).self)
                return RefusedChange(at: at, userId: user, site: site, seq: seq, entity: entity, rowId: rowID, fields: fields, reason: reason, detail: detail)
            }
        }
    }

    /// Whether a row exists (and is not deleted, unless `deletedToo`).
    private func exists(_ entity: EntityKind, _ id: String, deletedToo: Bool = false) async throws -> Bool {
        try await session { session in
            try session.query("SELECT EXISTS (SELECT 1 FROM record WHERE entity = \(entity.name) AND row_id = \(id) AND (\(deletedToo) OR NOT deleted))")
                .first?.decode(Bool.self) ?? false
        }
    }

    /// Runs a change the server makes itself (``ServerWrites``) in a transaction of its
    /// own, alone: admin writes are rare.
    private func writeAsServer(_ body: @escaping @Sendable (PGRecords) throws -> Void) async throws {
        try await transaction { session in
            let locks = KeyLocks(exclusive: true)
            try locks.begin(session)
            try body(PGRecords(session: session, locks: locks))
        }
    }

    static var nowMillis: Int64 { Int64(Date().timeIntervalSince1970 * 1000) }
}
