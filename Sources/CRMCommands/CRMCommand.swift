import ArgumentParser

/// `crm`: the workstation command line. Works on a replica file given by `--replica` or
/// `CRM_REPLICA`; prints JSON for programs with `--json`, messages for people on stderr,
/// and exits non-zero with a one-line reason when anything fails, changing nothing.
public struct CRMCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "crm",
        abstract: "Work with a branch office's client cards on this workstation's replica.",
        discussion: """
            Every command reads or writes the replica file named by --replica or the CRM_REPLICA \
            environment variable. Writes are recorded in the replica's outbox, to be sent to the \
            central server by the sync engine.
            """,
        subcommands: [
            InitCommand.self, SyncCommand.self, StatusCommand.self, ClientCommand.self, MemoCommand.self, ScheduleCommand.self,
            JournalCommand.self, AssignCommand.self, TasksCommand.self, TaskCommand.self, ConflictsCommand.self,
            RejectedCommand.self, MoneyCommand.self, RoomCommand.self, ClassCommand.self, CallCommand.self,
            BranchCommand.self, StaffCommand.self, FieldCommand.self, UICommand.self,
        ]
    )

    public init() {}
}

#if canImport(Glibc)
import Glibc
#endif

/// Restores the default handling of SIGTERM and SIGINT: a parent (a test runner, a service
/// manager) may have blocked or ignored them, and children inherit that, which would leave
/// `crm sync --watch` deaf to being stopped. Stopping at any instant is safe: every write is
/// one SQLite transaction, and unacknowledged changes are pushed again.
public func restoreStopSignals() {
    signal(SIGTERM, SIG_DFL)
    signal(SIGINT, SIG_DFL)
    var stopSignals = sigset_t()
    sigemptyset(&stopSignals)
    sigaddset(&stopSignals, SIGTERM)
    sigaddset(&stopSignals, SIGINT)
    pthread_sigmask(SIG_UNBLOCK, &stopSignals, nil)
}
