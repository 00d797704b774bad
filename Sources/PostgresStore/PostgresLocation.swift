import Foundation
import PostgresNIO

/// Where the PostgreSQL store is: a `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE` URL
/// (`postgresql://` too; `?host=/run/postgresql` connects through that socket directory).
public struct PostgresLocation: Sendable, CustomStringConvertible {
    /// The client configuration the URL describes.
    public let configuration: PostgresClient.Configuration
    /// The URL without its password, for messages.
    public let description: String

    /// Parses a URL; the error names what is wrong with it.
    public init(url: String) throws {
        guard let parts = URLComponents(string: url), let scheme = parts.scheme, ["postgres", "postgresql"].contains(scheme) else {
            throw StorePathError("--postgres: expected postgres://USER@HOST[:PORT]/DATABASE, got \(url)")
        }
        let user = parts.user.flatMap { $0.removingPercentEncoding } ?? "postgres"
        let password = parts.password.flatMap { $0.removingPercentEncoding }
        let database = String(parts.path.drop { $0 == "/" })
        guard !database.isEmpty else { throw StorePathError("--postgres: the URL names no database (…/DATABASE)") }
        let socketDirectory = parts.queryItems?.first { $0.name == "host" }?.value
        var configuration: PostgresClient.Configuration
        if let socketDirectory, socketDirectory.hasPrefix("/") {
            let port = parts.port ?? 5432
            configuration = .init(unixSocketPath: "\(socketDirectory)/.s.PGSQL.\(port)", username: user, password: password, database: database)
        } else {
            guard let host = parts.host, !host.isEmpty else { throw StorePathError("--postgres: the URL names no host") }
            configuration = .init(host: host, port: parts.port ?? 5432, username: user, password: password, database: database, tls: .disable)
        }
        configuration.options.maximumConnections = 16
        self.configuration = configuration
        var shown = parts
        shown.password = nil
        description = shown.string ?? url
    }
}

/// A store location that cannot be used, with the reason.
public struct StorePathError: Error, Sendable, CustomStringConvertible {
    /// One line naming the problem.
    public let description: String
    init(_ description: String) { self.description = description }
}
