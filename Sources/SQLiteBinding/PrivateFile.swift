#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Files only their owner may read: replicas, the server's store, device tokens. Created
/// with mode 0600 from the first byte (never created open and narrowed afterwards); SQLite
/// gives a database's -wal and -shm files the database file's mode.
public enum PrivateFile {
    /// Creates `path` empty with mode 0600 if it does not exist; leaves an existing file as
    /// it is.
    public static func ensure(_ path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if fd >= 0 { close(fd); return }
        guard errno == EEXIST else { throw PrivateFileError(path: path, errno: errno) }
    }

    /// Writes `data` to `path`, replacing it, readable and writable by the owner only.
    public static func write(_ data: Data, to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw PrivateFileError(path: path, errno: errno) }
        defer { close(fd) }
        // A file that existed keeps its old mode through open(2): narrow it before writing.
        guard fchmod(fd, 0o600) == 0 else { throw PrivateFileError(path: path, errno: errno) }
        try data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                guard written > 0 else { throw PrivateFileError(path: path, errno: errno) }
                offset += written
            }
        }
    }
}

/// A private file could not be created or written.
public struct PrivateFileError: Error, CustomStringConvertible {
    /// The file.
    public let path: String
    /// The system's error number.
    public let errno: Int32
    public var description: String { "\(path): \(String(cString: strerror(errno)))" }
}
