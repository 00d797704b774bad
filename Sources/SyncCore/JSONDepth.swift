/// How deeply a JSON body nests, measured without recursion and without decoding, so a
/// body of `[[[[…` thousands deep is refused before any decoder (ours or Foundation's)
/// walks it. The protocol's bodies nest four levels at most.
public enum JSONDepth {
    /// The deepest nesting a request body may have.
    public static let limit = 32

    /// The deepest nesting of `bytes`, counting brackets outside strings; stops counting
    /// once past `stop`.
    public static func measure(_ bytes: some Sequence<UInt8>, stop: Int = limit) -> Int {
        var depth = 0, deepest = 0
        var inString = false, escaped = false
        for byte in bytes {
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                deepest = max(deepest, depth)
                if deepest > stop { return deepest }
            case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
            default: break
            }
        }
        return deepest
    }
}
