/// The replicated tables as both ends see them: every entity, its fields, their kinds,
/// limits and defaults, and which parent a row belongs to. The replica builds its inserts
/// from this; the server validates pushed changes against it. One description, so the two
/// cannot drift apart.
public enum ReplicatedSchema {
    /// What a field may hold.
    public enum Kind: Sendable, Equatable {
        /// Text, at most `maxLength` characters when given, one of `choices` when given.
        case text(maxLength: Int? = nil, choices: [String]? = nil)
        /// A 64-bit integer, within `range` when given.
        case integer(range: ClosedRange<Int64>? = nil)
    }

    /// One replicated column.
    public struct Field: Sendable {
        /// The column name, as changes name it.
        public let name: String
        /// What it may hold.
        public let kind: Kind
        /// Whether NULL is allowed.
        public let nullable: Bool
        /// The value a new row gets when a change does not set the field; `nil` when a new
        /// row must set it.
        public let defaultValue: FieldValue?
        /// Whether concurrent edits merge as text against the version each edit started
        /// from (memo text), instead of the later one winning. Edits of such a field carry
        /// their base.
        public let mergesText: Bool

        init(_ name: String, _ kind: Kind, nullable: Bool = true, default defaultValue: FieldValue? = .null, mergesText: Bool = false) {
            self.name = name
            self.kind = kind
            self.nullable = nullable
            self.defaultValue = defaultValue
            self.mergesText = mergesText
        }

        /// The value a new row gets when unset; NULL for a nullable field.
        public var effectiveDefault: FieldValue { defaultValue ?? .null }
    }

    /// What happens to a child row when its parent is deleted.
    public enum ParentRule: Sendable {
        /// The child is deleted too (a client's tasks as well: a task that lost its client
        /// would become a task about no client, which every branch may read).
        case cascade
    }

    /// One replicated table.
    public struct Entity: Sendable {
        /// The table name.
        public let kind: EntityKind
        /// Its columns besides `id`.
        public let fields: [Field]
        /// The column that refers to a parent client, with what a deletion of that client does.
        public let parent: (field: String, entity: EntityKind, rule: ParentRule)?
        /// Whether rows are only ever added (money): the server refuses edits and deletions.
        public var appendOnly = false

        init(kind: EntityKind, fields: [Field], parent: (field: String, entity: EntityKind, rule: ParentRule)?, appendOnly: Bool = false) {
            self.kind = kind
            self.fields = fields
            self.parent = parent
            self.appendOnly = appendOnly
        }

        /// The field named `name`.
        public func field(_ name: String) -> Field? { fields.first { $0.name == name } }
    }

    private static let id = Kind.text(maxLength: 36)
    private static let timestamp = Kind.text(maxLength: 30)
    private static let flag = Kind.integer(range: 0...1)

    /// Each entity's place in ``entities`` (parents before children), by name.
    public static let tableOrder: [String: Int] = Dictionary(uniqueKeysWithValues: entities.enumerated().map { ($1.kind.name, $0) })

    /// Every replicated entity, parents before children.
    public static let entities: [Entity] = [
        Entity(kind: .branch, fields: [Field("name", .text(maxLength: 200), nullable: false, default: nil)], parent: nil),
        Entity(kind: .staffUser, fields: [
            Field("name", .text(maxLength: 200), nullable: false, default: nil),
            Field("role", .text(choices: ["executive", "manager", "general"]), nullable: false, default: nil),
            Field("team", .text(choices: ["sales", "collections", "other"]), nullable: false, default: .text("other")),
            Field("branch_id", id),
        ], parent: nil),
        Entity(kind: .customField, fields: [
            Field("key", .text(maxLength: 64), nullable: false, default: nil),
            Field("label", .text(maxLength: 200), nullable: false, default: nil),
            Field("kind", .text(choices: ["text", "number", "date", "boolean"]), nullable: false, default: nil),
            Field("hidden", flag, nullable: false, default: .integer(0)),
        ], parent: nil),
        Entity(kind: .client, fields: [
            Field("name", .text(maxLength: 200), nullable: false, default: nil),
            Field("phones", .text(maxLength: 2_000), nullable: false, default: .text("[]")),
            Field("emails", .text(maxLength: 5_000), nullable: false, default: .text("[]")),
            Field("birth_date", .text(maxLength: 10)),
            Field("custom_fields", .text(maxLength: 50_000), nullable: false, default: .text("{}")),
            Field("branch_id", id),
            Field("assignee_id", id),
            Field("dormant", flag, nullable: false, default: .integer(0)),
            Field("archive_reason", .text(maxLength: 500)),
            Field("created_at", timestamp, nullable: false, default: nil),
        ], parent: nil),
        Entity(kind: .clientTag, fields: [
            Field("client_id", id, nullable: false, default: nil),
            Field("tag", .text(maxLength: 64), nullable: false, default: nil),
        ], parent: ("client_id", .client, .cascade)),
        Entity(kind: .memo, fields: [
            Field("client_id", id, nullable: false, default: nil),
            Field("text", .text(maxLength: 1_000), nullable: false, default: nil, mergesText: true),
            Field("type", .text(choices: ["meeting", "call"])),
            Field("author_id", id),
            Field("created_at", timestamp, nullable: false, default: nil),
        ], parent: ("client_id", .client, .cascade)),
        Entity(kind: .schedule, fields: [
            Field("client_id", id, nullable: false, default: nil),
            Field("starts_at", timestamp, nullable: false, default: nil),
            Field("ends_at", timestamp, nullable: false, default: nil),
            Field("staff_id", id),
            Field("room", .text(maxLength: 100)),
            Field("state", .text(choices: ["scheduled", "done", "cancelled"]), nullable: false, default: .text("scheduled")),
            Field("course_id", id),
        ], parent: ("client_id", .client, .cascade)),
        Entity(kind: .journal, fields: [
            Field("schedule_id", id, nullable: false, default: nil),
            Field("client_id", id, nullable: false, default: nil),
            Field("text", .text(maxLength: 10_000), nullable: false, default: nil),
        ], parent: ("client_id", .client, .cascade)),
        Entity(kind: .task, fields: [
            Field("title", .text(maxLength: 500), nullable: false, default: nil),
            Field("assignee_id", id),
            Field("due", .text(maxLength: 10)),
            Field("client_id", id),
            Field("done", flag, nullable: false, default: .integer(0)),
            Field("kind", .text(choices: TaskKind.allCases.map(\.rawValue)), nullable: false, default: .text("manual")),
            Field("branch_id", id),
            Field("detail", .text(maxLength: 2_000)),
        ], parent: ("client_id", .client, .cascade)),
        Entity(kind: .room, fields: [
            Field("branch_id", id),
            Field("name", .text(maxLength: 100), nullable: false, default: nil),
            Field("capacity", .integer(range: 1...10_000), nullable: false, default: .integer(1)),
        ], parent: nil),
        Entity(kind: .course, fields: [
            Field("branch_id", id),
            Field("name", .text(maxLength: 200), nullable: false, default: nil),
            Field("capacity", .integer(range: 1...10_000), nullable: false, default: nil),
            Field("staff_id", id),
        ], parent: nil),
        Entity(kind: .enrolment, fields: [
            Field("client_id", id, nullable: false, default: nil),
            Field("course_id", id, nullable: false, default: nil),
        ], parent: ("client_id", .client, .cascade)),
        Entity(kind: .plannedCall, fields: [
            Field("client_id", id, nullable: false, default: nil),
            Field("due", timestamp, nullable: false, default: nil),
            Field("staff_id", id),
            Field("note", .text(maxLength: 500)),
            Field("done", flag, nullable: false, default: .integer(0)),
        ], parent: ("client_id", .client, .cascade)),
        Entity(kind: .ledgerEntry, fields: [
            Field("client_id", id, nullable: false, default: nil),
            Field("kind", .text(choices: ["payment", "deduction", "release", "settlement"]), nullable: false, default: nil),
            Field("amount", .integer(range: 1...1_000_000_000_000), nullable: false, default: nil),
            Field("schedule_id", id),
            Field("author_id", id),
            Field("note", .text(maxLength: 500)),
            Field("created_at", timestamp, nullable: false, default: nil),
        ], parent: ("client_id", .client, .cascade), appendOnly: true),
        Entity(kind: .conflict, fields: [
            Field("entity", .text(maxLength: 64), nullable: false, default: nil),
            Field("entity_id", id, nullable: false, default: nil),
            Field("field", .text(maxLength: 64)),
            Field("kind", .text(choices: ConflictKind.allCases.map(\.rawValue)), nullable: false, default: nil),
            Field("kept", .text()),
            Field("other", .text()),
            Field("kept_author_id", id),
            Field("other_author_id", id),
            Field("kept_hlc", .integer()),
            Field("other_hlc", .integer()),
            Field("flagged", flag, nullable: false, default: .integer(0)),
            Field("created_at", timestamp, nullable: false, default: nil),
            Field("resolved_at", timestamp),
            Field("resolution", .text(choices: ["current", "kept", "other", "edited"])),
            // The client the record is about (its row's client): who may read it, and what a
            // revoke purges. No foreign key: a record outlives the client it is about.
            Field("client_id", id),
        ], parent: nil),
    ]

    private static let byName: [String: Entity] = Dictionary(uniqueKeysWithValues: entities.map { ($0.kind.name, $0) })

    /// The entity named `name`, or `nil` for an unknown table.
    public static func entity(_ name: String) -> Entity? { byName[name] }

    /// Entities whose rows belong to a client, with the rule for a client's deletion.
    public static var childrenOfClient: [Entity] { entities.filter { $0.parent?.entity == .client } }
}
