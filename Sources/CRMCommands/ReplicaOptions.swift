import ArgumentParser
import CRMModel
import Foundation
import GRDB
import LocalReplica
import SyncEngine

/// Options every replica command shares: where the replica is, and whether to print JSON.
struct ReplicaOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The replica file (default: $CRM_REPLICA).", valueName: "path"))
    var replica: String?

    @Option(name: .long, help: ArgumentHelp("How to read phone numbers typed without a country code: kr or ru (default: $CRM_PHONE_REGION; none refuses them).", valueName: "region"))
    var phoneRegion: String?

    @Flag(name: .long, help: "Print the result as JSON on stdout.")
    var json = false

    /// The replica path from the option or the environment.
    func replicaPath() throws -> String {
        if let replica, !replica.isEmpty { return replica }
        if let path = ProcessInfo.processInfo.environment["CRM_REPLICA"], !path.isEmpty { return path }
        throw CLIFailure("--replica: no replica given (pass --replica PATH or set CRM_REPLICA)")
    }

    /// The replica configuration the options describe.
    func configuration() throws -> ReplicaConfiguration {
        var configuration = ReplicaConfiguration()
        switch (phoneRegion ?? ProcessInfo.processInfo.environment["CRM_PHONE_REGION"] ?? "").lowercased() {
        case "": break
        case "kr": configuration.phoneRegion = .korea
        case "ru": configuration.phoneRegion = .russia
        default: throw CLIFailure("--phone-region: must be kr or ru")
        }
        return configuration
    }

    /// Opens the replica.
    func open() throws -> Replica {
        try Replica.open(at: try replicaPath(), configuration: try configuration())
    }

    /// Prints `value` as one line of JSON with sorted keys when `--json` is given,
    /// otherwise prints `text()`.
    func output<T: Encodable>(_ value: T, text: () -> String) {
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            let data = (try? encoder.encode(value)) ?? Data("null".utf8)
            print(String(decoding: data, as: UTF8.self))
        } else {
            let lines = Terminal.safe(text(), keepingNewlines: true)
            if !lines.isEmpty { print(lines) }
        }
    }
}

/// Text for a terminal: control characters that could colour, move or hide output (ANSI
/// escapes, NUL, carriage returns) are shown as `\u{…}` instead of acted on. Stored text
/// refuses them now; older rows may still hold them.
enum Terminal {
    static func safe(_ text: String, keepingNewlines: Bool = false) -> String {
        guard text.unicodeScalars.contains(where: { isControl($0, keepingNewlines) }) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if isControl(scalar, keepingNewlines) {
                out.append(contentsOf: "\\u{\(String(scalar.value, radix: 16))}".unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    private static func isControl(_ scalar: Unicode.Scalar, _ keepingNewlines: Bool) -> Bool {
        switch scalar.value {
        case 0x0A, 0x09: !keepingNewlines
        case 0x00...0x1F, 0x7F...0x9F: true
        default: false
        }
    }
}

/// A failure reported to the user as one line on stderr.
struct CLIFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The JSON a command prints for a new row: `{"id": "…"}`.
struct CreatedID: Encodable {
    let id: String
}

/// Runs a command body, turning every failure into one line on stderr and exit code 1.
func reportingFailures(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as ExitCode {
        throw error
    } catch let error as ModelError {
        fail(error.description)
    } catch let error as ReplicaError {
        fail(error.description)
    } catch let error as CLIFailure {
        fail(error.description)
    } catch let error as SyncError {
        fail("sync: \(error.description)")
    } catch let error as DatabaseError {
        fail("replica: \(error.resultCode) \(error.message ?? "")")
    } catch {
        fail("\(error)")
    }
}

private func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("crm: error: \(message)\n".utf8))
    Foundation.exit(1)
}

/// Parses an id option or argument, naming it on failure.
func parseID<Entity>(_ text: String, _ name: String) throws -> EntityID<Entity> {
    try EntityID<Entity>(parsing: text, field: name)
}
