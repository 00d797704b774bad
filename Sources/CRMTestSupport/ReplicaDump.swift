import Foundation
import GRDB

/// Every table of an SQLite file as text, to prove that a refused command changed nothing.
public enum ReplicaDump {
    /// Each table's rows, in primary-key order, one line per row.
    public static func dump(_ path: String) throws -> String {
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        defer { try? queue.close() }
        return try queue.read { db in
            var lines: [String] = []
            let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            for table in tables {
                lines.append("## \(table)")
                for row in try Row.fetchAll(db, sql: "SELECT * FROM \"\(table)\" ORDER BY 1") {
                    lines.append(row.description)
                }
            }
            return lines.joined(separator: "\n")
        }
    }
}
