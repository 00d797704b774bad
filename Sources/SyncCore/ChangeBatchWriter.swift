/// Writes the outbox's JSON form of a list of changes (see ``ChangeBatchCodec``) one change
/// and one field at a time, straight into a byte buffer.
///
/// Sequence numbers and the HLC are not written per change: the changes of one batch are
/// consecutive from the batch's first sequence number and share the batch's timestamp,
/// which the outbox keeps in columns of their own.
///
/// The replica logs through this writer on the write path of every edit, so nothing is
/// allocated per field: keys and entity prefixes are encoded once (``Key``, ``Entity``)
/// and copied as bytes.
public struct ChangeBatchWriter: Sendable {
    /// A field name encoded once as `"name":`.
    public struct Key: Sendable {
        let bytes: [UInt8]

        /// Encodes `name` as a JSON object key.
        public init(_ name: String) {
            var bytes: [UInt8] = []
            JSONText.appendQuoted(name, to: &bytes)
            bytes.append(UInt8(ascii: ":"))
            self.bytes = bytes
        }
    }

    /// An entity encoded once as `{"e":"client","r":`.
    public struct Entity: Sendable {
        let bytes: [UInt8]

        /// Encodes the prefix for rows of `kind`.
        public init(_ kind: EntityKind) {
            var bytes = Array(#"{"e":"#.utf8)
            JSONText.appendQuoted(kind.name, to: &bytes)
            bytes.append(contentsOf: #","r":"#.utf8)
            self.bytes = bytes
        }
    }

    private static let setPrefix = Array(#","f":{"#.utf8)
    private static let deleteMark = Array(#","d":1"#.utf8)
    private static let null = Array("null".utf8)

    private var bytes: [UInt8] = [UInt8(ascii: "[")]
    private var fieldsInChange = 0
    private var isDelete = false

    /// The number of changes written so far.
    public private(set) var count = 0

    /// Creates an empty batch.
    public init() {}

    /// Starts a change; for a set, follow with ``field(_:_:)`` calls; always end with
    /// ``endChange()``.
    public mutating func beginChange(entity: Entity, row: String, operation: RowChange.Operation) {
        if count > 0 { bytes.append(UInt8(ascii: ",")) }
        bytes.append(contentsOf: entity.bytes)
        JSONText.appendQuoted(row, to: &bytes)
        isDelete = operation == .delete
        bytes.append(contentsOf: isDelete ? Self.deleteMark : Self.setPrefix)
        fieldsInChange = 0
        count += 1
    }

    /// Adds one field to the current change.
    public mutating func field(_ key: Key, _ value: FieldValue) {
        precondition(!isDelete, "a deletion carries no fields")
        if fieldsInChange > 0 { bytes.append(UInt8(ascii: ",")) }
        fieldsInChange += 1
        bytes.append(contentsOf: key.bytes)
        appendValue(value)
    }

    private mutating func appendValue(_ value: FieldValue) {
        switch value {
        case .null: bytes.append(contentsOf: Self.null)
        case .integer(let integer): appendInteger(integer)
        case .text(let text): JSONText.appendQuoted(text, to: &bytes)
        }
    }

    /// Closes the current change.
    /// Closes the current change. `base` lists, for fields that merge against the version
    /// an edit started from, the values they held before it (written as `"b":{…}`).
    public mutating func endChange(base: [(Key, FieldValue)] = []) {
        if !isDelete { bytes.append(UInt8(ascii: "}")) }
        if !base.isEmpty {
            bytes.append(contentsOf: #","b":{"#.utf8)
            for (index, (key, value)) in base.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                bytes.append(contentsOf: key.bytes)
                appendValue(value)
            }
            bytes.append(UInt8(ascii: "}"))
        }
        bytes.append(UInt8(ascii: "}"))
    }

    /// The JSON array of every change written.
    public func finish() -> String {
        var closed = bytes
        closed.append(UInt8(ascii: "]"))
        return String(decoding: closed, as: UTF8.self)
    }

    private mutating func appendInteger(_ value: Int64) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var divisor: UInt64 = 1
        while divisor <= magnitude / 10 { divisor *= 10 }
        repeat {
            bytes.append(UInt8(ascii: "0") + UInt8(magnitude / divisor))
            magnitude %= divisor
            divisor /= 10
        } while divisor > 0
    }
}
