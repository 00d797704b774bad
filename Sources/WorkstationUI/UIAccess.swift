import Foundation
import Synchronization

/// Who may use the workstation's web front end: the person who started `crm ui` (it
/// printed the login key) and only from pages it served. The rules are pure; the
/// middleware applies them to each request.
public final class UIAccess: Sendable {
    /// The one-time key printed at start-up, exchanged for the session cookie.
    public let key: String
    /// The session cookie's value once the key was used.
    public let session: String
    /// The token every state-changing request must carry (in the form or a header).
    public let csrfToken: String
    /// `HOST:PORT` as bound.
    private let authority: Mutex<String>

    /// The cookie that carries the session.
    public static let cookieName = "crm_session"

    /// Creates fresh secrets for one run of `crm ui`.
    public init() {
        key = Self.secret()
        session = Self.secret()
        csrfToken = Self.secret()
        authority = Mutex("")
    }

    /// Records where the server listens, once it is bound.
    public func bound(host: String, port: Int) {
        authority.withLock { $0 = "\(host):\(port)" }
    }

    /// Whether a request's Host header names this server: the bound host and port, or
    /// `localhost` with that port (anything else is a DNS-rebinding page).
    public func allows(host: String?) -> Bool {
        guard let host = host?.lowercased() else { return false }
        let bound = authority.withLock { $0 }
        guard let port = bound.split(separator: ":").last else { return false }
        return host == bound.lowercased() || host == "localhost:\(port)"
    }

    /// Whether `cookie` is this run's session.
    public func isSession(_ cookie: String?) -> Bool {
        guard let cookie else { return false }
        return Self.constantTimeEqual(cookie, session)
    }

    /// Whether `token` is this run's CSRF token.
    public func isCSRFToken(_ token: String?) -> Bool {
        guard let token else { return false }
        return Self.constantTimeEqual(token, csrfToken)
    }

    /// Whether `key` is the printed login key.
    public func isKey(_ key: String?) -> Bool {
        guard let key else { return false }
        return Self.constantTimeEqual(key, self.key)
    }

    /// The Content-Security-Policy of every page: only this server's own script, styles and
    /// connections; no frames, no plug-ins, forms post only here.
    public static let contentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

    private static func secret() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<4).map { _ in String(format: "%016llx", generator.next() as UInt64) }.joined()
    }

    private static func constantTimeEqual(_ left: String, _ right: String) -> Bool {
        let a = Array(left.utf8), b = Array(right.utf8)
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}
