/// Ids of rows the server creates by rule (conflicts, tasks): derived from what caused them,
/// so the same cause always yields the same row, a replayed push cannot create a second
/// one, and simulations replay identically.
public enum DerivedID {
    /// A UUID-formatted id (version 8, "custom") hashed from `parts`.
    public static func make(_ parts: String...) -> String { make(parts) }

    /// A UUID-formatted id (version 8, "custom") hashed from `parts`.
    public static func make(_ parts: [String]) -> String {
        var high: UInt64 = 0xcbf2_9ce4_8422_2325
        var low: UInt64 = 0x8422_2325_cbf2_9ce4
        for part in parts {
            for byte in part.utf8 + [0] {
                high = (high ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
                low = (low ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 &+ 0x9e37_79b9_7f4a_7c15
            }
        }
        high = high & 0xffff_ffff_ffff_0fff | 0x8000          // version 8
        low = low & 0x3fff_ffff_ffff_ffff | 0x8000_0000_0000_0000  // RFC 4122 variant
        let hex = hexDigits(high) + hexDigits(low)
        let characters = Array(hex)
        return [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(characters[$0]) }.joined(separator: "-")
    }

    private static func hexDigits(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
