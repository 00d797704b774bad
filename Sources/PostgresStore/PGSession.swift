import Logging
import NIOCore
import PostgresNIO

/// One leased connection, used synchronously from a thread of the store's own pool (never
/// an event loop, never the concurrency pool): the server's rules are synchronous over
/// ``ServerStore``'s record-store protocols, so they are written once for both stores
/// (ADR 0009).
final class PGSession {
    let connection: PostgresConnection
    let logger: Logger

    init(connection: PostgresConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }

    /// Runs a statement and returns its rows.
    @discardableResult
    func query(_ query: PostgresQuery) throws -> [PostgresRow] {
        try connection.query(query, logger: logger).wait().rows
    }

    /// Runs a statement and returns how many rows it changed.
    @discardableResult
    func execute(_ query: PostgresQuery) throws -> Int {
        try connection.query(query, logger: logger).wait().metadata.rows ?? 0
    }

    /// Runs a statement with no parameters (schema changes, transaction control).
    func run(_ sql: String) throws {
        _ = try connection.query(PostgresQuery(unsafeSQL: sql), logger: logger).wait()
    }
}

extension PSQLError {
    /// The SQLSTATE the server answered with, if it answered.
    var sqlState: String? { serverInfo?[.sqlState] }

    /// Whether running the transaction again may succeed: a serialisation failure or a
    /// deadlock the server broke.
    var isRetryable: Bool { sqlState == "40001" || sqlState == "40P01" }
}
