import ArgumentParser
import LocalReplica

/// `crm conflicts`: what the conflict rules kept beside the winner, and how to settle it.
struct ConflictsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conflicts", abstract: "List conflicts to review (recorded by the server when syncing), or resolve one.",
        subcommands: [ConflictsList.self, ConflictsResolve.self], defaultSubcommand: ConflictsList.self)
}

struct ConflictsList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List open conflicts (the default).")

    @OptionGroup var options: ReplicaOptions
    @Flag(help: "Include resolved conflicts.") var all = false

    func run() throws {
        try reportingFailures {
            let conflicts = try options.open().conflicts(includeResolved: all)
            let names = try Names(options.open())
            options.output(conflicts) {
                conflicts.map { conflict in
                    """
                    \(conflict.id)  \(conflict.entity) \(conflict.entityId) \(conflict.field ?? "")  \(conflict.kind)\(conflict.flagged ? " (flagged)" : "")
                        kept:  \(conflict.kept ?? "(deleted)")\(conflict.keptAuthor.map { " — by \(names.staff($0))" } ?? "")
                        other: \(conflict.other ?? "(deleted)")\(conflict.otherAuthor.map { " — by \(names.staff($0))" } ?? "")
                    """
                }.joined(separator: "\n")
            }
        }
    }
}

struct ConflictsResolve: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resolve", abstract: "Resolve a conflict: keep the row as it is, or set the field to the kept or the other value.")

    @OptionGroup var options: ReplicaOptions
    @Argument(help: "The conflict's id.") var conflictID: String
    @Option(help: "current (leave the row as it is), kept or other.") var keep: String = "current"

    func run() throws {
        try reportingFailures {
            let resolution = try ConflictResolution(parsing: keep, field: "--keep")
            try options.open().write { try $0.resolveConflict(conflictID, keep: resolution) }
        }
    }
}
