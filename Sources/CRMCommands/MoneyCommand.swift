import ArgumentParser
import CRMModel
import LocalReplica

/// `crm money add`: the append-only ledger. `crm client show` gives the balance.
struct MoneyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "money", abstract: "Record money: payments, deductions, releases, settlements.",
                                                    subcommands: [MoneyAdd.self])
}

struct MoneyAdd: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "Add a ledger entry to a client (entries are never edited).")

    @OptionGroup var options: ReplicaOptions
    @Argument(help: "The client's id.") var clientID: String
    @Option(help: "payment, deduction, release or settlement.") var kind: String
    @Option(help: "Amount in minor units, positive.") var amount: Int64
    @Option(help: "The schedule it belongs to.") var schedule: String?
    @Option(help: "A note.") var note: String?

    func run() throws {
        try reportingFailures {
            let client: ClientID = try parseID(clientID, "client id")
            let entryKind = try LedgerEntry.Kind(parsing: kind, field: "--kind")
            let scheduleID: ScheduleID? = try schedule.map { try parseID($0, "--schedule") }
            let id = try options.open().write { try $0.addLedgerEntry(client: client, kind: entryKind, amount: amount, schedule: scheduleID, note: note) }
            options.output(CreatedID(id: id.description)) { id.description }
        }
    }
}
