import Foundation
import SyncCore

/// The requests of the sync protocol (protocol/SYNC.md), whatever carries them: HTTP
/// through libcurl for real, a direct call into the server's store in the deterministic
/// simulation. Failures are ``SyncError``s: `.retry` for anything worth trying again.
public protocol SyncEndpoint {
    /// Registers a replica's site for the authenticated device.
    func register(site: SiteID) throws -> RegisterResponse
    /// A push of changes already in wire form (see `Replica.pendingWireChanges`); a refusal
    /// of the whole batch (409: sequence gap, clock skew) comes back as `.failure`.
    func push(site: SiteID, wireChanges: [String]) throws -> Result<PushResponse, ErrorResponse>
    /// The server's current version of some rows.
    func rows(_ request: RowsRequest) throws -> RowsResponse
    /// A page of the log after `cursor` for the replica `site`, waiting up to `wait` seconds
    /// for something new; `offer` names the last grants and revokes the replica applied.
    func pull(site: SiteID, after cursor: Int64, offer: Int64, limit: Int, wait: Int) throws -> PullResponse
}

/// The sync protocol's requests over one `CurlHTTPClient`. Maps HTTP outcomes to
/// ``SyncError`` recoveries: transport failures and 5xx retry, 401 stops with
/// "unauthorized", other 4xx stop as protocol errors.
final class SyncTransport: SyncEndpoint {
    private let http: CurlHTTPClient
    private let baseURL: String
    private let token: String
    private let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }()

    init(baseURL: String, token: String, caFile: String?) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.token = token
        http = CurlHTTPClient(options: .init(caFile: caFile))
    }

    func register(site: SiteID) throws -> RegisterResponse {
        try decode(try exchange("POST", "/v1/register", body: RegisterRequest(site: site.description)))
    }

    func push(site: SiteID, wireChanges: [String]) throws -> Result<PushResponse, ErrorResponse> {
        var body = Data(#"{"site":""#.utf8)
        body.append(contentsOf: site.description.utf8)
        body.append(contentsOf: #"","changes":["#.utf8)
        for (index, change) in wireChanges.enumerated() {
            if index > 0 { body.append(UInt8(ascii: ",")) }
            body.append(contentsOf: change.utf8)
        }
        body.append(contentsOf: "]}".utf8)
        return try push(body: body)
    }

    private func push(body: Data) throws -> Result<PushResponse, ErrorResponse> {
        let result = try send("POST", "/v1/push", body: body, timeout: 120)
        if result.status == 409, let refusal = try? JSONDecoder().decode(ErrorResponse.self, from: result.body) {
            return .failure(refusal)
        }
        return .success(try decode(try check(result)))
    }

    func rows(_ request: RowsRequest) throws -> RowsResponse {
        try decode(try exchange("POST", "/v1/rows", body: request))
    }

    func pull(site: SiteID, after cursor: Int64, offer: Int64, limit: Int, wait: Int) throws -> PullResponse {
        let result = try send("GET", "/v1/pull?bucket=org&site=\(site)&after=\(cursor)&offer=\(offer)&limit=\(limit)&wait=\(wait)", body: nil, timeout: wait + 60)
        return try decode(try check(result))
    }

    private func exchange(_ method: String, _ path: String, body: some Encodable) throws -> HTTPResult {
        try check(try send(method, path, body: try encoder.encode(body), timeout: 60))
    }

    private func send(_ method: String, _ path: String, body: Data?, timeout: Int) throws -> HTTPResult {
        var headers = ["Authorization": "Bearer \(token)", "Accept": "application/json"]
        if body != nil { headers["Content-Type"] = "application/json" }
        do {
            return try http.send(method: method, url: baseURL + path, headers: headers, body: body, timeout: timeout)
        } catch let error as TransportError {
            throw SyncError.retry("\(baseURL): \(error.description)")
        }
    }

    private func check(_ result: HTTPResult) throws -> HTTPResult {
        switch result.status {
        case 200..<300:
            return result
        case 401:
            throw SyncError(recovery: .unauthorized, description: "\(baseURL) refused this device's token (\(message(result)))")
        case 400..<500:
            throw SyncError.fatal("\(baseURL) refused the request: HTTP \(result.status) \(message(result))")
        default:
            throw SyncError.retry("\(baseURL) answered HTTP \(result.status) \(message(result))")
        }
    }

    private func message(_ result: HTTPResult) -> String {
        if let error = try? JSONDecoder().decode(ErrorResponse.self, from: result.body) {
            return "\(error.error.code): \(error.error.message)"
        }
        return String(decoding: result.body.prefix(200), as: UTF8.self)
    }

    private func decode<T: Decodable>(_ result: HTTPResult) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: result.body)
        } catch {
            throw SyncError.retry("\(baseURL) sent a reply that does not decode as \(T.self)")
        }
    }
}
