import CRMModel
import SyncCore

extension ReplicaWriter {
    /// Adds a branch office.
    public mutating func addBranch(name: String) throws -> BranchID {
        let branch = try Branch(id: newID(), name: name)
        try insert(.branch, id: branch.id.description, [.text(branch.name)])
        return branch.id
    }

    /// Adds a staff member.
    public mutating func addStaff(name: String, role: Role, team: Team = .other, branch: BranchID?) throws -> UserID {
        let user = try StaffUser(id: newID(), name: name, role: role, team: team, branchID: branch)
        if let branch { try require(.branch, branch.description) }
        try insert(.staffUser, id: user.id.description, [
            .text(user.name), .text(role.rawValue), .text(team.rawValue), branch.map { .text($0.description) } ?? .null,
        ])
        return user.id
    }

    /// Defines a custom field on every client card.
    public mutating func addCustomField(key: String, label: String, kind: CustomFieldDefinition.Kind, hidden: Bool = false) throws -> CustomFieldID {
        let definition = try CustomFieldDefinition(id: newID(), key: key, label: label, kind: kind, hidden: hidden)
        try insert(.customField, id: definition.id.description, [
            .text(definition.key), .text(definition.label), .text(kind.rawValue), .integer(hidden ? 1 : 0),
        ])
        return definition.id
    }

    /// Adds a task for a staff member, optionally about a client.
    public mutating func addTask(title: String, assignee: UserID?, due: CalendarDate?, client: ClientID?) throws -> TaskID {
        let task = try CRMTask(id: newID(), title: title, assigneeID: assignee, due: due, clientID: client)
        if let assignee { try require(.staffUser, assignee.description) }
        if let client { try require(.client, client.description) }
        try insert(.task, id: task.id.description, [
            .text(task.title), assignee.map { .text($0.description) } ?? .null, due.map { .text($0.description) } ?? .null,
            client.map { .text($0.description) } ?? .null, .integer(0), .text(TaskKind.manual.rawValue), .null, .null,
        ])
        return task.id
    }

    /// Marks a task done.
    public mutating func completeTask(_ id: TaskID) throws {
        try update(.task, id: id.description, [.init("done", .integer(1))])
    }
}
