import GRDB
import GRDBSQLite

/// The baseline's insert: bind text parameters and step a prepared statement with the
/// SQLite C API, the cheapest way to put a row in SQLite.
enum PlainInsert {
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    static func run(_ statement: Statement, _ values: [String]) throws {
        let handle = statement.sqliteStatement
        sqlite3_reset(handle)
        for (index, value) in values.enumerated() {
            sqlite3_bind_text(handle, Int32(index + 1), value, -1, transient)
        }
        let code = sqlite3_step(handle)
        sqlite3_reset(handle)
        guard code == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: "baseline insert failed", sql: statement.sql)
        }
    }
}
