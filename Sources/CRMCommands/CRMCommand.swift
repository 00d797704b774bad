import ArgumentParser

/// `crm`: the workstation command line. Works on a replica file given by `--replica` or
/// `CRM_REPLICA`; prints JSON for programs with `--json`, messages for people on stderr,
/// and exits non-zero with a one-line reason when anything fails, changing nothing.
public struct CRMCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "crm",
        abstract: "Work with a branch office's client cards on this workstation's replica.",
        discussion: """
            Every command reads or writes the replica file named by --replica or the CRM_REPLICA
            environment variable. Writes are recorded in the replica's outbox, to be sent to the
            central server by the sync engine.
            """,
        subcommands: [
            InitCommand.self, SyncCommand.self, StatusCommand.self, ClientCommand.self, MemoCommand.self, ScheduleCommand.self,
            JournalCommand.self, AssignCommand.self, TasksCommand.self, TaskCommand.self, ConflictsCommand.self,
            RejectedCommand.self, BranchCommand.self, StaffCommand.self, FieldCommand.self,
        ]
    )

    public init() {}
}
