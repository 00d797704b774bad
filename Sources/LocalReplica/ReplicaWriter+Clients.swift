import CRMModel
import Foundation
import GRDB
import SyncCore

extension ReplicaWriter {
    /// Adds a client card after validating every field.
    /// - Returns: the new client's id.
    public mutating func addClient(_ new: NewClient) throws -> ClientID {
        let id: ClientID = newID()
        let phones = try ContactList(phones: new.phones, region: configuration.phoneRegion)
        let emails = try ContactList(emails: new.emails)
        let birthDate = try new.birthDate.map { text throws(ModelError) in try CalendarDate(parsing: text, field: "client.birthDate") }
        let tags = try Self.parseTags(new.tags)
        var new = new
        // A synced replica's new card goes to its user's branch, and a manager's to that
        // manager, as the server's permission rules expect.
        if let owner = try replicaOwner() {
            if new.branchID == nil { new.branchID = owner.branch.flatMap(BranchID.init) }
            if new.assigneeID == nil, owner.role == "manager" { new.assigneeID = UserID(owner.id) }
        }
        let client = try Client(id: id, name: new.name, phones: phones, emails: emails, birthDate: birthDate,
                                branchID: new.branchID, assigneeID: new.assigneeID)
        let customFields = try validCustomFields(new.customFields)
        if let assignee = new.assigneeID { try require(.staffUser, assignee.description) }
        try insert(.client, id: id.description, [
            .text(client.name), .text(JSONText.array(phones.entries.map(\.e164))), .text(JSONText.array(emails.entries.map(\.value))),
            birthDate.map { .text($0.description) } ?? .null, .text(JSONText.object(customFields)),
            new.branchID.map { .text($0.description) } ?? .null, new.assigneeID.map { .text($0.description) } ?? .null,
            .integer(0), .null, .text(now.description),
        ])
        for tag in tags { try insertTag(tag, client: id) }
        return id
    }

    /// The staff member this replica belongs to (a synced replica), with role and branch.
    func replicaOwner() throws -> (id: String, role: String, branch: String?)? {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT s.id, s.role, s.branch_id FROM replica_meta m JOIN staff_user s ON s.id = m.user_id WHERE m.id = 1
            """)) else { return nil }
        return (row[0], row[1], row[2])
    }

    /// Edits the fields of a card that `edit` names; logs only those that change.
    public mutating func editClient(_ id: ClientID, _ edit: ClientEdit) throws {
        var assignments: [FieldAssignment] = []
        if let name = edit.name { assignments.append(.init("name", .text(try Client.validName(name)))) }
        if let phones = edit.phones {
            let list = try ContactList(phones: phones, region: configuration.phoneRegion)
            assignments.append(.init("phones", .text(JSONText.array(list.entries.map(\.e164)))))
        }
        if let emails = edit.emails {
            let list = try ContactList(emails: emails)
            assignments.append(.init("emails", .text(JSONText.array(list.entries.map(\.value)))))
        }
        if let birthDate = edit.birthDate {
            let value: FieldValue = birthDate.isEmpty ? .null : .text(try CalendarDate(parsing: birthDate, field: "client.birthDate").description)
            assignments.append(.init("birth_date", value))
        }
        if !edit.customFields.isEmpty {
            var merged = try currentCustomFields(of: id)
            let toSet = try validCustomFields(edit.customFields.filter { !$0.value.isEmpty })
            for key in edit.customFields.keys where edit.customFields[key]!.isEmpty { merged[key] = nil }
            merged.merge(toSet) { _, new in new }
            assignments.append(.init("custom_fields", .text(JSONText.object(merged))))
        }
        if let branch = edit.branchID { assignments.append(.init("branch_id", .text(branch.description))) }
        try update(.client, id: id.description, assignments)
    }

    /// Deletes a card; its memos, schedules, tags and journals go with it.
    public mutating func deleteClient(_ id: ClientID) throws {
        try delete(.client, id: id.description)
    }

    /// Puts a client to sleep (`dormant: true`) or wakes it.
    public mutating func setDormant(_ id: ClientID, _ dormant: Bool) throws {
        try update(.client, id: id.description, [.init("dormant", .integer(dormant ? 1 : 0))])
    }

    /// Archives a client with a reason. As DOMAIN.md says, archiving deletes the client's
    /// planned (still scheduled) lessons and open planned calls and takes it out of its
    /// groups; done and cancelled lessons stay as history.
    public mutating func archiveClient(_ id: ClientID, reason: String) throws {
        let reason = try Client.validArchiveReason(reason)
        try update(.client, id: id.description, [.init("archive_reason", .text(reason))])
        let planned = try String.fetchAll(db, sql: "SELECT id FROM schedule WHERE client_id = ? AND state = 'scheduled' ORDER BY id", arguments: [id.description])
        for schedule in planned { try deleteSchedule(ScheduleID(schedule)!) }
        for call in try String.fetchAll(db, sql: "SELECT id FROM planned_call WHERE client_id = ? AND done = 0 ORDER BY id", arguments: [id.description]) {
            try delete(.plannedCall, id: call)
        }
        for enrolment in try String.fetchAll(db, sql: "SELECT id FROM enrolment WHERE client_id = ? ORDER BY id", arguments: [id.description]) {
            try delete(.enrolment, id: enrolment)
        }
    }

    /// Takes a client out of the archive.
    public mutating func unarchiveClient(_ id: ClientID) throws {
        try update(.client, id: id.description, [.init("archive_reason", .null)])
    }

    /// Makes `user` the client's responsible staff member.
    public mutating func assign(_ id: ClientID, to user: UserID) throws {
        try require(.staffUser, user.description)
        try update(.client, id: id.description, [.init("assignee_id", .text(user.description))])
    }

    /// Adds a tag to a card (nothing happens if the card already has it).
    public mutating func addTag(_ text: String, to client: ClientID) throws {
        let tag = try Tag(parsing: text)
        try require(.client, client.description)
        let has = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM client_tag WHERE client_id = ? AND tag = ?)", arguments: [client.description, tag.name]) ?? false
        if !has { try insertTag(tag, client: client) }
    }

    /// Removes a tag from a card: deletes every tag row this replica has seen for it.
    public mutating func removeTag(_ text: String, from client: ClientID) throws {
        let tag = try Tag(parsing: text)
        try require(.client, client.description)
        let rows = try String.fetchAll(db, sql: "SELECT id FROM client_tag WHERE client_id = ? AND tag = ? ORDER BY id", arguments: [client.description, tag.name])
        for row in rows { try delete(.clientTag, id: row) }
    }

    private mutating func insertTag(_ tag: Tag, client: ClientID) throws {
        let tagID: EntityID<Tag> = newID()
        try insert(.clientTag, id: tagID.description, [.text(client.description), .text(tag.name)])
    }

    static func parseTags(_ texts: [String]) throws(ModelError) -> [Tag] {
        var tags: [Tag] = []
        for (index, text) in texts.enumerated() {
            let tag = try Tag(parsing: text, field: "tags[\(index)]")
            if !tags.contains(tag) { tags.append(tag) }
        }
        return tags
    }

    private func validCustomFields(_ values: [String: String]) throws -> [String: String] {
        guard !values.isEmpty else { return [:] }
        let definitions = try Row.fetchAll(db, sql: "SELECT id, key, label, kind, hidden FROM custom_field").compactMap { row -> CustomFieldDefinition? in
            guard let id = CustomFieldID(row["id"] as String), let kind = CustomFieldDefinition.Kind(rawValue: row["kind"]) else { return nil }
            return try? CustomFieldDefinition(id: id, key: row["key"], label: row["label"], kind: kind, hidden: row["hidden"])
        }
        return try definitions.validate(values)
    }

    private func currentCustomFields(of id: ClientID) throws -> [String: String] {
        guard let text = try String.fetchOne(db, sql: "SELECT custom_fields FROM client WHERE id = ?", arguments: [id.description]) else {
            throw ReplicaError.notFound(.client, id.description)
        }
        return (try? JSONDecoder().decode([String: String].self, from: Data(text.utf8))) ?? [:]
    }
}
