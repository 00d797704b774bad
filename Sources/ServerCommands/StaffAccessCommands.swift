import ArgumentParser
import CRMModel
import Foundation
import SyncServer

/// `crm-server admin list-users`: every staff member, deleted ones too.
struct ListUsers: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list-users", abstract: "List staff members (deleted ones too).")

    @OptionGroup var store: StoreOptions

    func run() async throws {
        let storage = try await store.open()
        let users = try await storage.users()
        if store.json { return Swift.print(try AdminJSON.encode(users)) }
        let branches = try await storage.branchNames()
        for user in users {
            let branch = user.branch.map { branches[$0] ?? "unknown branch" } ?? "no branch"
            Swift.print("\(user.name)  \(user.role)  \(user.team)  \(branch)\(user.deleted ? "  (deleted)" : "")  \(user.id)")
        }
    }
}

/// `crm-server admin list-tokens --user ID`: a staff member's devices, never the tokens.
struct ListTokens: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list-tokens", abstract: "List a staff member's device tokens (names and dates only).")

    @OptionGroup var store: StoreOptions
    @Option(help: "The staff member's id.") var user: String

    func run() async throws {
        _ = try UserID(parsing: user, field: "--user")
        guard let tokens = try await store.open().tokens(ofUser: user.lowercased()) else {
            throw ValidationError("--user: staff user \(user) not found")
        }
        if store.json { return Swift.print(try AdminJSON.encode(tokens)) }
        for token in tokens {
            let state = token.revokedAt.map { "revoked \(LocalTime.text($0))" } ?? "active"
            Swift.print("\(token.device)  issued \(LocalTime.text(token.createdAt))  \(state)")
        }
    }
}

/// `crm-server admin revoke-user --user ID`: every token of that staff member stops working.
struct RevokeUser: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "revoke-user", abstract: "Revoke every device token of a staff member: their next request gets 401.")

    @OptionGroup var store: StoreOptions
    @Option(help: "The staff member's id.") var user: String

    func run() async throws {
        _ = try UserID(parsing: user, field: "--user")
        guard let revoked = try await store.open().revokeTokens(ofUser: user.lowercased()) else {
            throw ValidationError("--user: staff user \(user) not found")
        }
        Swift.print(store.json ? "{\"revoked\":\(revoked)}" : "revoked \(revoked) token(s)")
    }
}

/// JSON for admin output: sorted keys, no escaped slashes.
enum AdminJSON {
    static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}

/// Unix milliseconds as the machine's local date and time.
enum LocalTime {
    static func text(_ millis: Int64) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = .current
        formatter.dateFormat = "yyyy-MM-dd HH:mm zzz"
        return formatter.string(from: Date(timeIntervalSince1970: Double(millis) / 1000))
    }
}
