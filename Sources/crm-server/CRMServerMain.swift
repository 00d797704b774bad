import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif
import ServerCommands

/// Parses the command line and runs the chosen `crm-server` command.
@main
struct CRMServerMain {
    static func main() async {
        // A parent may have blocked SIGTERM/SIGINT; the graceful shutdown needs them.
        var stopSignals = sigset_t()
        sigemptyset(&stopSignals)
        sigaddset(&stopSignals, SIGTERM)
        sigaddset(&stopSignals, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &stopSignals, nil)
        signal(SIGTERM, SIG_DFL)
        signal(SIGINT, SIG_DFL)
        do {
            var command = try ServerCommand.parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            ServerCommand.exit(withError: error)
        }
    }
}
