/// A rule of the domain was broken by a value. The message names the field and, where
/// there is one, the limit; it never repeats the offending value, which may be personal
/// data.
public struct ModelError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What kind of rule was broken. A struct over a closed set of names, so codes can grow
    /// without breaking callers that switch on them.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The machine-readable name, e.g. `too_long`.
        public let name: String
        init(_ name: String) { self.name = name }
        public var description: String { name }

        /// A required value is empty.
        public static let required = Code("required")
        /// A text exceeds its length limit.
        public static let tooLong = Code("too_long")
        /// A phone number is not a phone number.
        public static let invalidPhone = Code("invalid_phone")
        /// An e-mail address is not an address.
        public static let invalidEmail = Code("invalid_email")
        /// A date or timestamp does not parse or does not exist.
        public static let invalidDate = Code("invalid_date")
        /// A time range ends before it starts.
        public static let invalidRange = Code("invalid_range")
        /// A value is not one of the allowed choices.
        public static let invalidChoice = Code("invalid_choice")
        /// An identifier is not a UUID.
        public static let malformedID = Code("malformed_id")
        /// The same value appears twice in a list that must not repeat.
        public static let duplicate = Code("duplicate")
        /// A custom field is not defined for the organisation or has the wrong kind.
        public static let unknownField = Code("unknown_field")
        /// A number is outside its allowed range.
        public static let outOfRange = Code("out_of_range")
        /// A text holds a control character (NUL, an escape, a newline in a one-line text).
        public static let controlCharacter = Code("control_character")
    }

    /// The rule that was broken.
    public let code: Code
    /// The field, as a user or script names it (`memo.text`, `phones[1]`).
    public let field: String
    /// What is wrong, naming the limit.
    public let reason: String

    /// Creates an error about `field`.
    public init(_ code: Code, field: String, _ reason: String) {
        self.code = code
        self.field = field
        self.reason = reason
    }

    /// `field: reason`, e.g. `memo.text: 1001 characters, the limit is 1000`.
    public var description: String { "\(field): \(reason)" }
}
