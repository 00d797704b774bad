import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A TCP proxy on loopback between a client and a server, for fault injection without
/// netem: it forwards bytes both ways, and can swallow the server's reply to the next
/// request whose first line starts with a given prefix (the server has already committed
/// it) and close the client's connection instead, so the client never hears the outcome.
public final class FaultProxy: Sendable {
    /// The port clients connect to.
    public let port: Int
    private let listener: Int32
    private let targetPorts: [Int]
    private let nextTarget = Mutex(0)
    private let dropPrefixes = Mutex<[(prefix: String, skip: Int)]>([])
    private let dropped = Mutex(0)

    /// Starts listening on a free loopback port, forwarding to `127.0.0.1:targetPort`.
    public convenience init(targetPort: Int) throws {
        try self.init(targetPorts: [targetPort])
    }

    /// Starts listening on a free loopback port, forwarding each connection to the next of
    /// `targetPorts` in turn that accepts it, as a load balancer in front of several
    /// servers does (one that is down is skipped).
    public init(targetPorts: [Int]) throws {
        self.targetPorts = targetPorts
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = Self.loopback(port: 0)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard bound == 0, listen(fd, 64) == 0 else { throw CLIError("proxy: cannot listen (errno \(errno))") }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        listener = fd
        port = Int(UInt16(bigEndian: actual.sin_port))
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    /// The proxy's URL.
    public var url: String { "http://127.0.0.1:\(port)" }

    /// Swallows the reply to the next request starting with `prefix` (e.g. `POST /v1/push`),
    /// or, with `skipping`, to the one after that many such requests went through.
    public func dropNextReply(to prefix: String, skipping: Int = 0) { dropPrefixes.withLock { $0.append((prefix, skipping)) } }

    /// How many replies were swallowed so far.
    public var droppedReplies: Int { dropped.withLock { $0 } }

    /// Stops accepting connections.
    public func close() { shutdown(listener, Int32(SHUT_RDWR)); Glibc.close(listener) }

    deinit { close() }

    static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            guard client >= 0 else { return }
            guard let server = connectToNextTarget() else {
                Glibc.close(client)
                continue
            }
            let dropReply = Mutex(false)
            Thread { [self] in
                pump(from: client, to: server) { chunk in
                    let head = String(decoding: chunk.prefix(64), as: UTF8.self)
                    dropPrefixes.withLock { prefixes in
                        guard let index = prefixes.firstIndex(where: { head.hasPrefix($0.prefix) }) else { return }
                        if prefixes[index].skip > 0 {
                            prefixes[index].skip -= 1
                        } else {
                            prefixes.remove(at: index)
                            dropReply.withLock { $0 = true }
                        }
                    }
                    return true
                }
            }.start()
            Thread { [self] in
                pump(from: server, to: client) { _ in
                    guard dropReply.withLock({ $0 }) else { return true }
                    dropped.withLock { $0 += 1 }
                    return false
                }
                shutdown(client, Int32(SHUT_RDWR))
                shutdown(server, Int32(SHUT_RDWR))
                Glibc.close(client)
                Glibc.close(server)
            }.start()
        }
    }

    /// A connection to the next target that accepts one, trying each once.
    private func connectToNextTarget() -> Int32? {
        let first = nextTarget.withLock { next in
            defer { next += 1 }
            return next
        }
        for offset in 0..<targetPorts.count {
            let server = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = Self.loopback(port: targetPorts[(first + offset) % targetPorts.count])
            let connected = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(server, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
            if connected == 0 { return server }
            Glibc.close(server)
        }
        return nil
    }

    /// Copies bytes until either side closes or `forward` returns `false`.
    private func pump(from source: Int32, to destination: Int32, forward: ([UInt8]) -> Bool) {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = read(source, &buffer, buffer.count)
            guard count > 0 else { shutdown(destination, Int32(SHUT_WR)); return }
            let chunk = Array(buffer[0..<count])
            guard forward(chunk) else { return }
            var sent = 0
            while sent < count {
                let written = chunk[sent...].withUnsafeBytes { write(destination, $0.baseAddress, count - sent) }
                guard written > 0 else { return }
                sent += written
            }
        }
    }
}
