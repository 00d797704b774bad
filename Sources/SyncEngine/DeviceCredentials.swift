import Foundation
import SQLiteBinding

/// The device token lives beside the replica in `REPLICA.token` (mode 0600), not inside
/// the replica file, which report scripts read.
public enum DeviceCredentials {
    /// The token file's path for a replica.
    public static func path(forReplica replica: String) -> String { replica + ".token" }

    /// Saves the token, readable by the owner only.
    public static func save(_ token: String, forReplica replica: String) throws {
        let path = path(forReplica: replica)
        do {
            try PrivateFile.write(Data((token + "\n").utf8), to: path)
        } catch {
            throw SyncError.fatal("cannot write the device token: \(error)")
        }
    }

    /// Loads the token.
    public static func load(forReplica replica: String) throws -> String {
        let path = path(forReplica: replica)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SyncError(recovery: .unauthorized, description: "\(path): no device token (run `crm init --server URL --token TOKEN`)")
        }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
