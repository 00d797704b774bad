/// Small, fast JSON writers for the shapes the replica stores in text columns (lists of
/// phones, custom-field maps) and for the change log. Output is compact and
/// deterministic: equal values always give equal text, so comparing columns compares
/// values.
public enum JSONText {
    /// `["a","b"]`.
    public static func array(_ values: [String]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(values.reduce(2) { $0 + $1.utf8.count + 3 })
        out.append(UInt8(ascii: "["))
        for (index, value) in values.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            appendQuoted(value, to: &out)
        }
        out.append(UInt8(ascii: "]"))
        return String(decoding: out, as: UTF8.self)
    }

    /// `{"a":"1","b":"2"}` with keys sorted.
    public static func object(_ values: [String: String]) -> String {
        var out: [UInt8] = [UInt8(ascii: "{")]
        for (index, key) in values.keys.sorted().enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            appendQuoted(key, to: &out)
            out.append(UInt8(ascii: ":"))
            appendQuoted(values[key]!, to: &out)
        }
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }

    private static let hex = Array("0123456789abcdef".utf8)

    /// Appends `text` as a JSON string literal, escaping quotes, backslashes and control
    /// characters. Runs of bytes that need no escape are found eight bytes at a time and
    /// copied whole.
    public static func appendQuoted(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { bytes in
            var runStart = 0
            var index = 0
            while index < bytes.count {
                if index + 8 <= bytes.count {
                    let word = UnsafeRawPointer(bytes.baseAddress! + index).loadUnaligned(as: UInt64.self)
                    if !needsEscape(word) {
                        index += 8
                        continue
                    }
                }
                let byte = bytes[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else {
                    index += 1
                    continue
                }
                if runStart < index { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index])) }
                index += 1
                runStart = index
                out.append(UInt8(ascii: "\\"))
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): out.append(byte)
                case 0x0A: out.append(UInt8(ascii: "n"))
                case 0x0D: out.append(UInt8(ascii: "r"))
                case 0x09: out.append(UInt8(ascii: "t"))
                default:
                    out.append(contentsOf: "u00".utf8)
                    out.append(hex[Int(byte >> 4)])
                    out.append(hex[Int(byte & 0x0F)])
                }
            }
            if runStart < bytes.count { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...])) }
        }
        out.append(UInt8(ascii: "\""))
    }

    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highs: UInt64 = 0x8080_8080_8080_8080

    /// Whether any byte of `word` is a control character, `"` or `\` (bit tricks from
    /// "Bit Twiddling Hacks": a byte is zero iff `(x - 1) & ~x` has its high bit set). May
    /// report false positives for bytes at or above 0x80 followed by borrows; the caller
    /// then checks byte by byte, so only speed depends on it.
    @inline(__always)
    static func needsEscape(_ word: UInt64) -> Bool {
        let control = (word &- ones &* 0x20) & ~word & highs
        let quoteBytes = word ^ (ones &* 0x22)
        let quote = (quoteBytes &- ones) & ~quoteBytes & highs
        let slashBytes = word ^ (ones &* 0x5C)
        let slash = (slashBytes &- ones) & ~slashBytes & highs
        return (control | quote | slash) != 0
    }
}
