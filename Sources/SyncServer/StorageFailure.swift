import GRDB
import HTTPTypes
import Hummingbird

/// Turns a failure of the store (SQLite could not write: I/O error, full disk, locked file)
/// into the protocol's retryable reply: 503 with `Retry-After`, and a code and message that
/// name the cause. The transaction was rolled back, so nothing of the request was stored or
/// acknowledged, and the client sends it again.
enum StorageFailure {
    /// The reply for `error`, or `nil` when it is not a storage failure.
    static func reply(for error: any Error) -> SyncHTTPError? {
        guard let error = error as? DatabaseError else { return nil }
        let code: String
        let message: String
        switch error.resultCode {
        case .SQLITE_FULL:
            code = "disk_full"
            message = "the server's disk is full; the request was not stored (SQLite: \(error.message ?? "database or disk is full"))"
        case .SQLITE_IOERR:
            code = "storage_io_error"
            message = "the server could not write its store; the request was not stored (SQLite: \(error.message ?? "disk I/O error"), extended code \(error.extendedResultCode.rawValue))"
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            code = "storage_busy"
            message = "the server's store is busy; the request was not stored"
        case .SQLITE_READONLY, .SQLITE_CANTOPEN, .SQLITE_CORRUPT, .SQLITE_NOTADB:
            code = "storage_unavailable"
            message = "the server cannot use its store; the request was not stored (SQLite: \(error.message ?? "\(error.resultCode)"))"
        default:
            return nil
        }
        var reply = SyncHTTPError(.serviceUnavailable, code: code, message)
        reply.headers[.retryAfter] = "1"
        return reply
    }
}

/// Answers storage failures with ``StorageFailure/reply(for:)`` instead of a bare 500.
struct StorageFailureMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            if let reply = StorageFailure.reply(for: error) {
                context.logger.error("storage failure", metadata: ["error": "\(error)"])
                throw reply
            }
            throw error
        }
    }
}
