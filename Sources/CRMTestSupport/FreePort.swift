import Foundation

/// A loopback TCP port nobody listens on now, for a server that must be told its port
/// (PostgreSQL has no "port 0").
public enum FreePort {
    /// Binds port 0 on 127.0.0.1, reads the port the kernel chose, and releases it.
    public static func next() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = FaultProxy.loopback(port: 0)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard bound == 0 else { throw CLIError("cannot bind a loopback port (errno \(errno))") }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return Int(UInt16(bigEndian: actual.sin_port))
    }
}
