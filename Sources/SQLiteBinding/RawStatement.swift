import GRDB
import GRDBSQLite
import SyncCore

/// Runs a prepared statement through the SQLite C API: bind, step, reset.
///
/// The replica's inserts and the server's record and log writes take this path because GRDB's `StatementArguments` costs more per
/// value than SQLite's own insert when built from a runtime array (its generic initialisers
/// are not specialised across modules). Only for statements that return no rows, inside a
/// GRDB write transaction, on GRDB's own connection.
public enum RawStatement {
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
    private static let emptyText: StaticString = ""

    /// Binds `first` then `rest` to the statement's parameters and runs it to completion.
    /// - Throws: a GRDB `DatabaseError` carrying SQLite's extended result code.
    public static func execute(_ statement: Statement, _ first: FieldValue, _ rest: [FieldValue]) throws {
        let handle = statement.sqliteStatement
        sqlite3_reset(handle)
        bind(first, at: 1, handle)
        for (index, value) in rest.enumerated() { bind(value, at: Int32(index + 2), handle) }
        let code = sqlite3_step(handle)
        // Bindings stay until the next execution replaces them; resetting releases locks.
        defer { sqlite3_reset(handle) }
        guard code == SQLITE_DONE else {
            let connection = sqlite3_db_handle(handle)
            let message = sqlite3_errmsg(connection).map { String(cString: $0) }
            throw DatabaseError(resultCode: ResultCode(rawValue: sqlite3_extended_errcode(connection)), message: message, sql: statement.sql)
        }
    }

    private static func bind(_ value: FieldValue, at index: Int32, _ handle: OpaquePointer) {
        switch value {
        case .null:
            sqlite3_bind_null(handle, index)
        case .integer(let integer):
            sqlite3_bind_int64(handle, index, integer)
        case .text(var text):
            text.withUTF8 { bytes in
                // An empty buffer may have no address; SQLite reads a NULL pointer as NULL,
                // so empty text is bound from a static empty C string instead.
                guard let base = bytes.baseAddress, bytes.count > 0 else {
                    emptyText.withUTF8Buffer { empty in empty.baseAddress!.withMemoryRebound(to: CChar.self, capacity: 1) { _ = sqlite3_bind_text(handle, index, $0, 0, nil) } }
                    return
                }
                base.withMemoryRebound(to: CChar.self, capacity: bytes.count) { chars in
                    _ = sqlite3_bind_text(handle, index, chars, Int32(bytes.count), transient)
                }
            }
        }
    }
}
