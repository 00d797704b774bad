import Hummingbird
import NIOCore

/// Reads a request body within the server's size and time limits.
enum BodyReader {
    /// The whole body of at most `maxBytes`, which must arrive within `seconds`.
    /// - Throws: 413 `body_too_large` past the size, 408 `body_timeout` past the time.
    static func collect(_ body: RequestBody, upTo maxBytes: Int, seconds: Int) async throws -> ByteBuffer {
        try await withThrowingTaskGroup(of: ByteBuffer?.self) { group in
            group.addTask {
                do {
                    return try await body.collect(upTo: maxBytes)
                } catch is CancellationError {
                    return nil
                } catch {
                    throw SyncHTTPError(.contentTooLarge, code: "body_too_large", "request body over \(maxBytes) bytes")
                }
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(seconds))
                return nil
            }
            defer { group.cancelAll() }
            while let next = try await group.next() {
                if let buffer = next { return buffer }
                break
            }
            throw SyncHTTPError(.requestTimeout, code: "body_timeout", "the request body did not arrive within \(seconds) s")
        }
    }
}
