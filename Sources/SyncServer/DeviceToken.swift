import Crypto
import Foundation

/// Device tokens: 32 random bytes, sent as bearer tokens, stored only as SHA-256 hashes.
public enum DeviceToken {
    /// A new random token (64 hex characters, prefixed `crm_`).
    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return "crm_" + bytes.map { String(format: "%02x", $0) }.joined()
    }

    /// The hash under which a token is stored.
    public static func hash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
