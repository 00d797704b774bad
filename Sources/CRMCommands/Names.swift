import LocalReplica

/// Names for the ids a person would otherwise read in text output: staff, rooms, clients.
struct Names {
    private let staffNames: [String: String]
    private let replica: Replica?
    private let roomNames: [String: String]

    /// Names as `replica` knows them.
    init(_ replica: Replica) throws {
        staffNames = Dictionary(try replica.staff().map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        self.replica = replica
        roomNames = try replica.roomNames()
    }

    private init() {
        staffNames = [:]
        replica = nil
        roomNames = [:]
    }

    /// No names (a replica that could not be read): ids are shown.
    static let none = Names()

    /// A staff member's name, or their id when this replica does not know them.
    func staff(_ id: String) -> String { Terminal.safe(staffNames[id] ?? id) }

    /// A room's name when `room` is the id of a defined room; else the text as typed.
    func room(_ room: String) -> String { Terminal.safe(roomNames[room] ?? room) }

    /// The client a row of `entity` belongs to (the client itself for a client row), by
    /// name; the id when neither is here.
    func client(ofRow entity: String, id: String) -> String {
        if entity == "client" { return client(id) }
        return Terminal.safe((try? replica?.clientName(ofRow: entity, id: id)) ?? id)
    }

    /// A client's name, or the id when the card is not here.
    func client(_ id: String) -> String { Terminal.safe((try? replica?.clientNames(of: [id])[id]) ?? id) }
}
