import ArgumentParser
import LocalReplica

/// `crm init`: creates a replica file.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a new replica file.",
        discussion: """
            Creates a standalone replica with a fresh site id. It works fully offline; its writes
            wait in the outbox. (Registering the replica with a central server, with --server and
            --token, comes with the sync engine.)
            """
    )

    @OptionGroup var options: ReplicaOptions

    func run() throws {
        try reportingFailures {
            let replica = try Replica.create(at: try options.replicaPath(), configuration: try options.configuration())
            let status = try replica.status()
            options.output(status) { "created replica \(replica.path) (site \(replica.siteID))" }
        }
    }
}

/// `crm status`: the outbox and sync state.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show pending changes, the last sync and the last error."
    )

    @OptionGroup var options: ReplicaOptions

    func run() throws {
        try reportingFailures {
            let status = try options.open().status()
            options.output(status) {
                """
                replica:   \(status.replica)
                site:      \(status.site)
                server:    \(status.server ?? "none (standalone)")
                pending:   \(status.pending) change(s)
                last sync: \(status.lastSync ?? "never")
                """ + (status.lastError.map { "\nlast error: \($0)" } ?? "")
            }
        }
    }
}
