/// How the rows of each replicated entity belong to a client: the one table that every
/// permission check, log placement, snapshot and purge derives from. An entity missing
/// here is refused outright (and a test fails), so a new table cannot slip past the rules.
public enum ClientLink: Sendable, Equatable {
    /// The organisation's rows (branches, staff, custom fields, rooms, classes): every staff
    /// member reads them; only executives change them.
    case organisation
    /// The client row itself: its card header.
    case client
    /// A row of one client, named by its `client_id`, in that client's `scope`. The client
    /// is fixed when the row is made: no change moves it to another client (or, for an
    /// `optional` one, to none or from none). With `optional`, a row without a client
    /// belongs to the organisation (tasks about no client).
    case child(Buckets.Scope, optional: Bool)
    /// A conflict record: made by the server only, about a row of a client (its
    /// `client_id`, or for records made before that field, the client of the row it is
    /// about); part of that client's details. People only resolve it.
    case conflictRecord

    /// Every replicated entity's link.
    public static let byEntity: [String: ClientLink] = [
        EntityKind.branch.name: .organisation,
        EntityKind.staffUser.name: .organisation,
        EntityKind.customField.name: .organisation,
        EntityKind.room.name: .organisation,
        EntityKind.course.name: .organisation,
        EntityKind.client.name: .client,
        EntityKind.clientTag.name: .child(.header, optional: false),
        EntityKind.schedule.name: .child(.header, optional: false),
        EntityKind.memo.name: .child(.details, optional: false),
        EntityKind.journal.name: .child(.details, optional: false),
        EntityKind.ledgerEntry.name: .child(.details, optional: false),
        EntityKind.enrolment.name: .child(.details, optional: false),
        EntityKind.plannedCall.name: .child(.details, optional: false),
        EntityKind.task.name: .child(.details, optional: true),
        EntityKind.conflict.name: .conflictRecord,
    ]

    /// The link of `entity`, or `nil` for a table that is not replicated.
    public static func of(_ entity: String) -> ClientLink? { byEntity[entity] }

    /// The fields a conflict record's author may set: its resolution.
    public static let conflictResolutionFields: Set<String> = ["resolved_at", "resolution"]

    /// References to rows of a client that must name a row of the same client (a journal
    /// of another client's schedule would show its text on that client's card).
    public static let sameClientReferences: [String: (field: String, entity: EntityKind)] = [
        EntityKind.journal.name: ("schedule_id", .schedule),
        EntityKind.ledgerEntry.name: ("schedule_id", .schedule),
    ]

    /// The client a row of `entity` belongs to, from its `fields` and, for an old conflict
    /// record, the row it is about (looked up with `row`); `nil` for the organisation or
    /// when unknown.
    public static func client(ofEntity entity: String, id: String, fields: [String: FieldValue], row: (RowKey) -> RowState?) -> String? {
        switch of(entity) {
        case .client?: return id
        case .child?: return fields["client_id"]?.textValue
        case .conflictRecord?:
            if let client = fields["client_id"]?.textValue { return client }
            guard let about = fields["entity"]?.textValue, let aboutID = fields["entity_id"]?.textValue, about != EntityKind.conflict.name else { return nil }
            if about == EntityKind.client.name { return aboutID }
            return row(RowKey(about, aboutID)).flatMap { state in
                client(ofEntity: about, id: aboutID, fields: state.fields.mapValues(\.value), row: { _ in nil })
            }
        case .organisation?, nil: return nil
        }
    }

    /// The rows a row of `entity` with `fields` refers to and whose state the rules need:
    /// its client, the row an old conflict record is about, a schedule it names.
    public static func referencedKeys(entity: String, id: String, fields: [String: FieldValue]) -> Set<RowKey> {
        var keys = Set<RowKey>()
        if case .text(let client)? = fields["client_id"], of(entity) != .client { keys.insert(RowKey(EntityKind.client.name, client)) }
        if of(entity) == .conflictRecord, let about = fields["entity"]?.textValue, let aboutID = fields["entity_id"]?.textValue {
            keys.insert(RowKey(about, aboutID))
        }
        if let reference = sameClientReferences[entity], case .text(let target)? = fields[reference.field] {
            keys.insert(RowKey(reference.entity.name, target))
        }
        return keys
    }
}
