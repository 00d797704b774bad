import Foundation
import SyncCore
import SyncEngine

/// A staff member's valid token used the way a hostile office worker would: curl-like
/// requests in the wire format `crm sync` sends, with hand-made changes. It registers a
/// site of its own and numbers its pushes itself.
public final class HostileDevice {
    private let http = CurlHTTPClient()
    private let url: String
    private let token: String
    /// The site this device registered.
    public let site = UUID().uuidString.lowercased()
    private var seq: Int64 = 0

    /// Registers a new site for `token` at the server `url`.
    public init(url: String, token: String) throws {
        self.url = url
        self.token = token
        let reply = try send("POST", "/v1/register", body: Data(#"{"site":"\#(site)"}"#.utf8))
        guard reply.status == 200 else { throw CLIError("register: HTTP \(reply.status) \(String(decoding: reply.body, as: UTF8.self))") }
    }

    /// Sends a request with the bearer token.
    public func send(_ method: String, _ path: String, body: Data? = nil) throws -> HTTPResult {
        var headers = ["Authorization": "Bearer \(token)", "Expect": ""]
        if body != nil { headers["Content-Type"] = "application/json" }
        return try http.send(method: method, url: url + path, headers: headers, body: body, timeout: 60)
    }

    /// Pushes `changes` (entity, row id, fields or `nil` for a deletion) as the next
    /// sequence numbers of this site; returns each change's ack.
    @discardableResult
    public func push(_ changes: [(entity: String, id: String, fields: [String: FieldValue]?)]) throws -> [Ack] {
        let hlc = HLCTimestamp(millis: Int64(Date().timeIntervalSince1970 * 1000), counter: 0).packed
        let wire = changes.enumerated().map { index, change in
            WireChange(seq: seq + 1 + Int64(index), hlc: hlc, e: change.entity, r: change.id, f: change.fields, d: change.fields == nil ? 1 : nil)
        }
        let body = try JSONEncoder().encode(PushRequest(site: site, changes: wire))
        let reply = try send("POST", "/v1/push", body: body)
        guard reply.status == 200 else { throw CLIError("push: HTTP \(reply.status) \(String(decoding: reply.body, as: UTF8.self))") }
        // A refused request stored nothing: its sequence numbers are free again.
        seq += Int64(changes.count)
        return try JSONDecoder().decode(PushResponse.self, from: reply.body).acks
    }

    /// Pushes one change; returns its ack.
    @discardableResult
    public func push(_ entity: String, _ id: String, _ fields: [String: FieldValue]?) throws -> Ack {
        try push([(entity, id, fields)])[0]
    }

    /// Reads rows through `POST /v1/rows`: those the server says exist, by entity and id.
    public func rows(_ keys: [RowsRequest.Key]) throws -> [RowKey: [String: FieldValue]] {
        let reply = try send("POST", "/v1/rows", body: try JSONEncoder().encode(RowsRequest(keys: keys)))
        guard reply.status == 200 else { throw CLIError("rows: HTTP \(reply.status) \(String(decoding: reply.body, as: UTF8.self))") }
        var rows: [RowKey: [String: FieldValue]] = [:]
        for row in try JSONDecoder().decode(RowsResponse.self, from: reply.body).rows where row.exists {
            rows[RowKey(row.e, row.r)] = row.f ?? [:]
        }
        return rows
    }

    /// Everything the log gives this device from position 0 (no site: nothing is tracked),
    /// folded into rows as a replica would hold them.
    public func pullEverything() throws -> [RowKey: [String: FieldValue]] {
        var rows: [RowKey: [String: FieldValue]] = [:]
        var cursor: Int64 = 0
        while true {
            let reply = try send("GET", "/v1/pull?after=\(cursor)&limit=5000")
            guard reply.status == 200 else { throw CLIError("pull: HTTP \(reply.status)") }
            let page = try JSONDecoder().decode(PullResponse.self, from: reply.body)
            for change in page.changes {
                let key = RowKey(change.e, change.r)
                if change.d == 1 { rows[key] = nil } else { rows[key, default: [:]].merge(change.f ?? [:]) { $1 } }
            }
            cursor = page.next
            if !page.more { return rows }
        }
    }
}
