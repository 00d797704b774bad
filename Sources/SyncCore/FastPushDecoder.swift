/// A decoder for push requests over raw bytes, for the server's hot path: it reads the
/// shapes ``PushRequest`` and ``WireChange`` define and skips unknown keys. Anything it
/// does not expect (a float, a wrong type, a missing key, malformed JSON) makes it return
/// `nil`, and the caller decodes with `JSONDecoder` instead, whose errors name the field:
/// the fast path never decides what is an error.
public enum FastPushDecoder {
    /// The request, or `nil` to fall back to `JSONDecoder`. Values nested deeper than
    /// ``JSONDepth/limit`` under an unknown key are not followed (`nil`): no input makes
    /// it recurse without bound.
    public static func decode(_ bytes: [UInt8]) -> PushRequest? {
        var scanner = Scanner(bytes: bytes)
        return scanner.pushRequest()
    }

    private struct Scanner {
        let bytes: [UInt8]
        var index = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

        mutating func pushRequest() -> PushRequest? {
            var site: String?
            var changes: [WireChange]?
            guard object({ scanner, key in
                switch key {
                case "site": site = scanner.string(); return site != nil
                case "changes":
                    var list: [WireChange] = []
                    guard scanner.array({ scanner in
                        guard let change = scanner.change() else { return false }
                        list.append(change)
                        return true
                    }) else { return false }
                    changes = list
                    return true
                default: return scanner.skipValue(depth: 1)
                }
            }) else { return nil }
            space()
            guard index == bytes.count, let site, let changes else { return nil }
            return PushRequest(site: site, changes: changes)
        }

        mutating func change() -> WireChange? {
            var seq: Int64?, hlc: Int64?, entity: String?, row: String?, site: String?, deleted: Int?
            var fields: [String: FieldValue]?, base: [String: FieldValue]?
            guard object({ scanner, key in
                switch key {
                case "seq": seq = scanner.integer(); return seq != nil
                case "hlc": hlc = scanner.integer(); return hlc != nil
                case "e": entity = scanner.string(); return entity != nil
                case "r": row = scanner.string(); return row != nil
                case "site": site = scanner.string(); return site != nil
                case "d": deleted = scanner.integer().flatMap { Int(exactly: $0) }; return deleted != nil
                case "f": fields = scanner.fields(); return fields != nil
                case "b": base = scanner.fields(); return base != nil
                default: return scanner.skipValue(depth: 3)
                }
            }), let seq, let hlc, let entity, let row else { return nil }
            return WireChange(site: site, seq: seq, hlc: hlc, e: entity, r: row, f: fields, d: deleted, b: base)
        }

        mutating func fields() -> [String: FieldValue]? {
            var result: [String: FieldValue] = [:]
            guard object({ scanner, key in
                guard let value = scanner.value() else { return false }
                result[key] = value
                return true
            }) else { return nil }
            return result
        }

        mutating func value() -> FieldValue? {
            space()
            guard index < bytes.count else { return nil }
            switch bytes[index] {
            case UInt8(ascii: "\""): return string().map { .text($0) }
            case UInt8(ascii: "n"): return literal("null") ? .null : nil
            default: return integer().map { .integer($0) }
            }
        }

        /// `{ "key": value, … }`, calling `member` after each key's colon.
        mutating func object(_ member: (inout Scanner, String) -> Bool) -> Bool {
            space()
            guard take(UInt8(ascii: "{")) else { return false }
            space()
            if take(UInt8(ascii: "}")) { return true }
            while true {
                space()
                guard let key = string() else { return false }
                space()
                guard take(UInt8(ascii: ":")), member(&self, key) else { return false }
                space()
                if take(UInt8(ascii: ",")) { continue }
                return take(UInt8(ascii: "}"))
            }
        }

        /// `[ value, … ]`, calling `element` for each.
        mutating func array(_ element: (inout Scanner) -> Bool) -> Bool {
            space()
            guard take(UInt8(ascii: "[")) else { return false }
            space()
            if take(UInt8(ascii: "]")) { return true }
            while true {
                guard element(&self) else { return false }
                space()
                if take(UInt8(ascii: ",")) { continue }
                return take(UInt8(ascii: "]"))
            }
        }

        /// Skips one value `depth` levels into the document, refusing to go past the limit.
        mutating func skipValue(depth: Int) -> Bool {
            space()
            guard index < bytes.count else { return false }
            switch bytes[index] {
            case UInt8(ascii: "\""): return string() != nil
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                guard depth < JSONDepth.limit else { return false }
                return bytes[index] == UInt8(ascii: "{") ? object { scanner, _ in scanner.skipValue(depth: depth + 1) } : array { $0.skipValue(depth: depth + 1) }
            case UInt8(ascii: "t"): return literal("true")
            case UInt8(ascii: "f"): return literal("false")
            case UInt8(ascii: "n"): return literal("null")
            default:
                // Any number, including fractions and exponents.
                let start = index
                while index < bytes.count, "+-.eE0123456789".utf8.contains(bytes[index]) { index += 1 }
                return index > start
            }
        }

        /// An integer without fraction or exponent that fits in Int64.
        mutating func integer() -> Int64? {
            space()
            var negative = false
            if take(UInt8(ascii: "-")) { negative = true }
            var value: Int64 = 0
            let start = index
            while index < bytes.count, (48...57).contains(bytes[index]) {
                let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
                let (sum, overflow2) = times.addingReportingOverflow(Int64(bytes[index] - 48))
                guard !overflow1, !overflow2 else { return nil }
                value = sum
                index += 1
            }
            guard index > start else { return nil }
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") || bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
                return nil
            }
            return negative ? -value : value
        }

        mutating func string() -> String? {
            space()
            guard take(UInt8(ascii: "\"")) else { return nil }
            let start = index
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    index += 1
                    return String(decoding: bytes[start..<(index - 1)], as: UTF8.self)
                }
                if byte == UInt8(ascii: "\\") { break }
                if byte < 0x20 { return nil }
                index += 1
            }
            // Escapes: decode the rest byte by byte.
            var out = Array(bytes[start..<index])
            while index < bytes.count {
                let byte = bytes[index]
                index += 1
                switch byte {
                case UInt8(ascii: "\""): return String(decoding: out, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    guard index < bytes.count else { return nil }
                    let escaped = bytes[index]
                    index += 1
                    switch escaped {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(escaped)
                    case UInt8(ascii: "b"): out.append(0x08)
                    case UInt8(ascii: "f"): out.append(0x0C)
                    case UInt8(ascii: "n"): out.append(0x0A)
                    case UInt8(ascii: "r"): out.append(0x0D)
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "u"):
                        guard var scalar = hex4() else { return nil }
                        if (0xD800...0xDBFF).contains(scalar) {
                            guard take(UInt8(ascii: "\\")), take(UInt8(ascii: "u")), let low = hex4(), (0xDC00...0xDFFF).contains(low) else { return nil }
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        } else if (0xDC00...0xDFFF).contains(scalar) {
                            return nil
                        }
                        guard let unicode = Unicode.Scalar(scalar) else { return nil }
                        out.append(contentsOf: String(Character(unicode)).utf8)
                    default: return nil
                    }
                default:
                    if byte < 0x20 { return nil }
                    out.append(byte)
                }
            }
            return nil
        }

        mutating func hex4() -> UInt32? {
            guard index + 4 <= bytes.count else { return nil }
            var value: UInt32 = 0
            for byte in bytes[index..<(index + 4)] {
                let digit: UInt32
                switch byte {
                case 48...57: digit = UInt32(byte - 48)
                case 65...70: digit = UInt32(byte - 55)
                case 97...102: digit = UInt32(byte - 87)
                default: return nil
                }
                value = value << 4 | digit
            }
            index += 4
            return value
        }

        mutating func literal(_ word: StaticString) -> Bool {
            let count = word.utf8CodeUnitCount
            guard index + count <= bytes.count else { return false }
            let matches = word.withUTF8Buffer { Array($0) == Array(bytes[index..<(index + count)]) }
            if matches { index += count }
            return matches
        }

        mutating func take(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }

        mutating func space() {
            while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09 { index += 1 }
        }
    }
}
