import GRDB
import GRDBSQLite

/// `crm_fold(text)` registered through the SQLite C API: the text lowercased by Unicode
/// rules (as Swift's `lowercased()`), NULL for NULL. A search checks cards not yet in the
/// index with it, one call per card (all of them while a first sync is being indexed),
/// so it stays off GRDB's general function path (an argument array, two string
/// conversions): ASCII text, most names and every e-mail, is folded byte by byte; other
/// text goes through Swift's `lowercased()`.
public enum FoldFunction {
    /// Registers `crm_fold` on `db`'s connection.
    public static func register(on db: Database) {
        sqlite3_create_function_v2(db.sqliteConnection, "crm_fold", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nil, { context, _, arguments in
            guard let value = arguments?[0], sqlite3_value_type(value) != SQLITE_NULL, let text = sqlite3_value_text(value) else {
                sqlite3_result_null(context)
                return
            }
            let count = Int(sqlite3_value_bytes(value))
            let bytes = UnsafeBufferPointer(start: text, count: count)
            if bytes.allSatisfy({ $0 < 0x80 }) {
                guard bytes.contains(where: { $0 >= 0x41 && $0 <= 0x5A }) else {
                    sqlite3_result_value(context, value)
                    return
                }
                let folded = UnsafeMutablePointer<UInt8>.allocate(capacity: max(count, 1))
                defer { folded.deallocate() }
                for index in 0..<count {
                    let byte = bytes[index]
                    folded[index] = byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte
                }
                sqlite3_result_text(context, UnsafeRawPointer(folded).assumingMemoryBound(to: CChar.self), Int32(count), unsafeBitCast(-1, to: sqlite3_destructor_type.self))
                return
            }
            var folded = String(decoding: bytes, as: UTF8.self).lowercased()
            folded.withUTF8 { utf8 in
                sqlite3_result_text(context, UnsafeRawPointer(utf8.baseAddress!).assumingMemoryBound(to: CChar.self), Int32(utf8.count), unsafeBitCast(-1, to: sqlite3_destructor_type.self))
            }
        }, nil, nil, nil)
    }
}
