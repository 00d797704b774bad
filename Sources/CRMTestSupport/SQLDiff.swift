import Foundation
import SyncCore

/// `sqldiff --primarykey` (Debian's sqlite3-tools) between two SQLite files, table by table:
/// rows are matched by their primary key (the id), not by their rowid, which depends on
/// the order a replica received them in.
public enum SQLDiff {
    /// The data tables every replica of the organisation shares: every replicated entity.
    public static let dataTables = ReplicatedSchema.entities.map(\.kind.name)

    /// The SQL that would turn `left` into `right` for `tables`; empty when identical.
    public static func diff(_ left: String, _ right: String, tables: [String] = dataTables) throws -> String {
        var output = ""
        for table in tables {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/sqldiff")
            process.arguments = ["--primarykey", "--table", table, left, right]
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = pipe
            try process.run()
            output += String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
        }
        return output
    }
}
