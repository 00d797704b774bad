import CCurl
import Foundation

/// One HTTP exchange's result.
public struct HTTPResult: Sendable {
    /// The status code.
    public let status: Int
    /// The response body, decompressed.
    public let body: Data
}

/// A transport failure: no HTTP status was received (connection refused, reset, timeout,
/// TLS verification failed). The message is libcurl's, naming the cause.
public struct TransportError: Error, Sendable, CustomStringConvertible {
    /// libcurl's result code.
    public let code: Int
    /// What went wrong.
    public let description: String
}

/// HTTP over libcurl: one easy handle, reused across requests (keep-alive), with
/// timeouts, gzip and TLS verification on. Not `Sendable`: the handle belongs to the thread
/// that uses it; `perform` blocks that thread, so use it from a dedicated thread, never
/// from Swift's cooperative pool.
public final class CurlHTTPClient {
    /// Limits and trust settings.
    public struct Options: Sendable {
        /// Seconds to wait for a connection.
        public var connectTimeout: Int = 10
        /// A PEM file of CAs to trust instead of the system's.
        public var caFile: String?

        /// Creates options.
        public init(connectTimeout: Int = 10, caFile: String? = nil) {
            self.connectTimeout = connectTimeout
            self.caFile = caFile
        }
    }

    private static let globalInit: Void = { curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()

    private let handle: UnsafeMutableRawPointer
    private let options: Options

    /// Creates a client.
    public init(options: Options = .init()) {
        _ = Self.globalInit
        handle = curl_easy_init()
        self.options = options
    }

    deinit { curl_easy_cleanup(handle) }

    /// Sends one request and waits for the whole response.
    /// - Parameters:
    ///   - timeout: seconds for the whole exchange (long-polls pass their wait plus slack).
    public func send(method: String, url: String, headers: [String: String], body: Data?, timeout: Int) throws -> HTTPResult {
        curl_easy_reset(handle)
        let sink = ResponseSink()
        let context = Unmanaged.passRetained(sink)
        defer { context.release() }

        var list: UnsafeMutablePointer<curl_slist>?
        for (name, value) in headers { list = curl_slist_append(list, "\(name): \(value)") }
        // Hummingbird does not answer `Expect: 100-continue`; without this curl waits 1 s.
        list = curl_slist_append(list, "Expect:")
        defer { curl_slist_free_all(list) }

        crm_curl_setopt_string(handle, CURLOPT_URL, url)
        crm_curl_setopt_slist(handle, CURLOPT_HTTPHEADER, list)
        crm_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        crm_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT, options.connectTimeout)
        crm_curl_detect_dead_links(handle)
        crm_curl_setopt_long(handle, CURLOPT_TIMEOUT, timeout)
        crm_curl_setopt_string(handle, CURLOPT_ACCEPT_ENCODING, "")
        crm_curl_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 1)
        crm_curl_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 2)
        if let caFile = options.caFile { crm_curl_setopt_string(handle, CURLOPT_CAINFO, caFile) }
        crm_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, context.toOpaque())
        crm_curl_setopt_callback(handle, CURLOPT_WRITEFUNCTION) { data, size, count, context in
            guard let data, let context else { return 0 }
            Unmanaged<ResponseSink>.fromOpaque(context).takeUnretainedValue().data.append(UnsafeRawPointer(data).assumingMemoryBound(to: UInt8.self), count: size * count)
            return size * count
        }

        var code: CURLcode
        if let body {
            crm_curl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, method)
            code = body.withUnsafeBytes { bytes -> CURLcode in
                crm_curl_setopt_off(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(bytes.count))
                crm_curl_setopt_pointer(handle, CURLOPT_POSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!))
                return curl_easy_perform(handle)
            }
        } else {
            crm_curl_setopt_long(handle, CURLOPT_HTTPGET, 1)
            // Any other method without a body (DELETE, TRACE, …) is sent as asked.
            if method != "GET" { crm_curl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, method) }
            code = curl_easy_perform(handle)
        }
        guard code == CURLE_OK else {
            throw TransportError(code: Int(code.rawValue), description: String(cString: curl_easy_strerror(code)))
        }
        var status = 0
        crm_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return HTTPResult(status: status, body: sink.data)
    }
}

/// Collects a response body; handed to libcurl's write callback as its context.
private final class ResponseSink {
    var data = Data()
}
