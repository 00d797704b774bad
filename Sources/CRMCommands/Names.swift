import LocalReplica

/// Names for the ids a person would otherwise read in text output: staff and clients.
struct Names {
    private let staffNames: [String: String]
    private let clientNames: [String: String]

    /// Names as `replica` knows them.
    init(_ replica: Replica) throws {
        staffNames = Dictionary(try replica.staff().map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        clientNames = Dictionary(try replica.clients(.init(includeArchived: true)).map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
    }

    private init() {
        staffNames = [:]
        clientNames = [:]
    }

    /// No names (a replica that could not be read): ids are shown.
    static let none = Names()

    /// A staff member's name, or their id when this replica does not know them.
    func staff(_ id: String) -> String { Terminal.safe(staffNames[id] ?? id) }

    /// A client's name, or the id when the card is not here.
    func client(_ id: String) -> String { Terminal.safe(clientNames[id] ?? id) }
}
