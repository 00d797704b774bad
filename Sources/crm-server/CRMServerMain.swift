import ArgumentParser
import ServerCommands

/// Parses the command line and runs the chosen `crm-server` command.
@main
struct CRMServerMain {
    static func main() async {
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
