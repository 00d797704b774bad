import Foundation

/// Whether files on disk hold a text, read by `grep` in a process of its own. Opening and
/// closing a database file in a process that also has SQLite connections to it drops every
/// POSIX lock those connections hold (close(2) releases a process's locks on the file);
/// another process may then take itself for the file's last user and delete the
/// write-ahead log under them.
public enum FileBytes {
    /// Whether any of `paths` that exist contains `text`.
    public static func contain(_ text: String, in paths: [String]) throws -> Bool {
        let files = paths.filter { FileManager.default.fileExists(atPath: $0) }
        guard !files.isEmpty else { return false }
        let grep = Process()
        grep.executableURL = URL(fileURLWithPath: "/usr/bin/grep")
        grep.arguments = ["-q", "-a", "-F", "--", text] + files
        grep.standardOutput = FileHandle.nullDevice
        try grep.run()
        grep.waitUntilExit()
        return grep.terminationStatus == 0
    }

    /// Whether a replica file or its write-ahead log contains `text`.
    public static func replica(_ path: String, contains text: String) throws -> Bool {
        try contain(text, in: [path, path + "-wal"])
    }
}
