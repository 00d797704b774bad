/// A branch office (a centre, a city office).
public struct Branch: Hashable, Sendable, Codable, Identifiable {
    /// The branch's id.
    public var id: BranchID
    /// The branch's name, 1 to ``Branch/nameLimit`` characters.
    public var name: String

    /// The longest branch name accepted.
    public static let nameLimit = 200

    /// Creates a branch after checking its name.
    public init(id: BranchID, name: String) throws(ModelError) {
        self.id = id
        self.name = try Text.required(name, field: "branch.name", limit: Self.nameLimit)
    }
}

/// What a staff member may see and do (see the permission table in DESIGN.md).
public enum Role: String, Choice, Sendable, Codable {
    /// Every branch, every client, every detail; deletes clients; assigns anyone.
    case executive
    /// Card headers of their branch; full details of their own and unassigned clients.
    case manager
    /// Card headers of their branch; adds clients and schedules.
    case general

}

/// A line of work. Teams route automatic alerts and tasks; they grant no visibility.
public enum Team: String, Choice, Sendable, Codable {
    /// Sales alerts.
    case sales
    /// Collection alerts.
    case collections
    /// Everything else.
    case other

}

/// A staff member who uses the CRM.
public struct StaffUser: Hashable, Sendable, Codable, Identifiable {
    /// The user's id.
    public var id: UserID
    /// Display name, 1 to ``StaffUser/nameLimit`` characters.
    public var name: String
    /// What the user may see and do.
    public var role: Role
    /// The user's line of work.
    public var team: Team
    /// The branch the user works at.
    public var branchID: BranchID?

    /// The longest staff name accepted.
    public static let nameLimit = 200

    /// Creates a staff member after checking the name.
    public init(id: UserID, name: String, role: Role, team: Team = .other, branchID: BranchID?) throws(ModelError) {
        self.id = id
        self.name = try Text.required(name, field: "user.name", limit: Self.nameLimit)
        self.role = role
        self.team = team
        self.branchID = branchID
    }
}
