import SyncCore

/// Why a sync attempt failed, classified by what the caller should do next.
public struct SyncError: Error, Sendable, CustomStringConvertible {
    /// What to do about it.
    public enum Recovery: Sendable, Equatable {
        /// Try again later (network, timeouts, a busy or failing server).
        case retry
        /// Stop: the token was revoked or is wrong; a person must act.
        case unauthorized
        /// Stop: the replica is not set up to sync (standalone) or the server refused the
        /// protocol; a person must act.
        case fatal
        /// The replica is in step, but revoked data is still in its write-ahead log because
        /// another program is reading it; it goes as soon as that program lets go.
        case purgePending
    }

    /// What to do about it.
    public let recovery: Recovery
    /// One line naming the cause.
    public let description: String

    /// A failure worth trying again (network, 5xx).
    public static func retry(_ message: String) -> SyncError { SyncError(recovery: .retry, description: message) }
    /// A failure that retrying cannot fix.
    public static func fatal(_ message: String) -> SyncError { SyncError(recovery: .fatal, description: message) }
}
