import Foundation
import HTTPTypes
import Hummingbird
import Logging
import ServiceLifecycle
import SyncCore

/// The protocol's endpoints (protocol/SYNC.md). Each handler authenticates the device,
/// decodes and checks the body, calls the storage, and answers JSON.
struct SyncRoutes: Sendable {
    let storage: any SyncStorage
    let configuration: ServerConfiguration
    let feed: LiveFeed
    /// How often a quiet long poll checks its token again.
    static let quietReauthentication: Duration = .seconds(5)
    let clock: @Sendable () -> Int64

    func add(to router: Router<BasicRequestContext>) {
        // Any other method on a protocol path: 405 naming the allowed one.
        let allowed: [(String, HTTPRequest.Method)] = [("/v1/health", .get), ("/v1/register", .post), ("/v1/push", .post),
                                                       ("/v1/rows", .post), ("/v1/pull", .get)]
        let methods: [HTTPRequest.Method] = [.get, .post, .put, .delete, .patch, .options, .trace, .head, .connect, HTTPRequest.Method("QUERY")!]
        for (path, method) in allowed {
            for other in methods where other != method && !(method == .get && other == .head) {
                router.on(RouterPath(path), method: other) { _, _ -> Response in
                    var error = SyncHTTPError(.methodNotAllowed, code: "method_not_allowed", "\(path) accepts \(method.rawValue) only")
                    error.headers[.allow] = method.rawValue
                    throw error
                }
            }
        }
        router.get("/v1/health") { _, _ in
            try JSONReply.response(["status": "ok"])
        }
        router.post("/v1/register") { request, context in
            let device = try await authenticate(request)
            let body: RegisterRequest = try await decode(request, context)
            guard isUUID(body.site) else { throw SyncHTTPError(.badRequest, code: "invalid_value", "site: not a UUID") }
            switch try await storage.register(site: body.site, device: device) {
            case .registered: break
            case .anotherDevice: throw SyncHTTPError(.forbidden, code: "site_not_registered", "site \(body.site) belongs to another device")
            case .tooManySites(let limit):
                throw SyncHTTPError(.forbidden, code: "too_many_sites", "device \(device.name) has registered \(limit) replicas, the most one token may; ask for a new token")
            }
            return try JSONReply.response(RegisterResponse(user: device.userID, role: device.role, device: device.name, site: body.site, serverTime: clock()))
        }
        router.post("/v1/push") { request, context in
            let device = try await authenticate(request)
            let body: PushRequest = try await decode(request, context, fast: { FastPushDecoder.decode(Array($0)) })
            guard isUUID(body.site) else { throw SyncHTTPError(.badRequest, code: "invalid_value", "site: not a UUID") }
            guard body.changes.count <= configuration.maxPushChanges else {
                throw SyncHTTPError(.contentTooLarge, code: "batch_too_large", "\(body.changes.count) changes; the limit is \(configuration.maxPushChanges) per push")
            }
            if let malformed = PushPlanner.checkShapes(body.changes) { throw SyncHTTPError(.badRequest, malformed) }
            switch try await storage.push(body, device: device, now: clock(), maxSkewMillis: configuration.maxSkewMillis) {
            case .failure(let refusal):
                let status: HTTPResponse.Status = refusal.error.code == "site_not_registered" ? .forbidden : .conflict
                throw SyncHTTPError(status, refusal)
            case .success(let response):
                if let last = response.acks.compactMap(\.position).max() { await feed.published(last) }
                return JSONReply.raw(Data(WireEncoding.pushResponse(response)))
            }
        }
        router.post("/v1/rows") { request, context in
            let device = try await authenticate(request)
            let body: RowsRequest = try await decode(request, context)
            guard body.keys.count <= configuration.maxPushChanges else {
                throw SyncHTTPError(.contentTooLarge, code: "batch_too_large", "\(body.keys.count) keys; the limit is \(configuration.maxPushChanges)")
            }
            if let unknown = body.keys.first(where: { ReplicatedSchema.entity($0.e) == nil }) {
                throw SyncHTTPError(.badRequest, code: "unknown_entity", "entity '\(unknown.e)' is not a replicated table")
            }
            if let (index, key) = body.keys.enumerated().first(where: { !isUUID($0.element.r) }) {
                throw SyncHTTPError(.badRequest, code: "invalid_id", "keys[\(index)].r: '\(key.r.prefix(40))' is not a UUID")
            }
            do {
                return try JSONReply.response(try await storage.rows(body.keys, viewer: Viewer(author: device.author, site: nil, deviceID: device.id)))
            } catch let tooLarge as RowsReplyTooLarge {
                throw SyncHTTPError(.contentTooLarge, code: "reply_too_large", tooLarge.description)
            }
        }
        router.get("/v1/pull") { request, _ in
            let device = try await authenticate(request)
            let query = request.uri.queryParameters
            let bucket = query.get("bucket") ?? "org"
            guard bucket == "org" else { throw SyncHTTPError(.badRequest, code: "unknown_bucket", "bucket '\(bucket)' does not exist") }
            let site: String? = query.get("site").map { String($0) }
            if let site, !isUUID(site) { throw SyncHTTPError(.badRequest, code: "invalid_value", "site: not a UUID") }
            let viewer = Viewer(author: device.author, site: site, deviceID: device.id)
            let after = try integer(query.get("after"), name: "after", default: 0, range: 0...Int64.max)
            let offer = try integer(query.get("offer"), name: "offer", default: 0, range: 0...Int64.max)
            let limit = Int(try integer(query.get("limit"), name: "limit", default: Int64(configuration.maxPullChanges), range: 1...Int64(configuration.maxPullChanges)))
            // The protocol allows up to 30 s; a server configured shorter answers sooner.
            let wait = min(try integer(query.get("wait"), name: "wait", default: 0, range: 0...30), Int64(configuration.maxWaitSeconds))
            var page = try await storage.pull(after: after, offer: offer, limit: limit, viewer: viewer)
            let deadline = ContinuousClock.now + .seconds(wait)
            // A held poll ends within a second of a graceful shutdown, so SIGTERM does not
            // wait out every open long poll.
            var authenticated = ContinuousClock.now
            while page.changes.isEmpty && page.offer == nil && ContinuousClock.now < deadline && !Task.isShuttingDownGracefully {
                // New entries are judged in memory (LiveFeed): a filtered pull runs only
                // when one may concern this device, from past those that do not.
                // A cursor past the head is judged from the head.
                let cursor = min(page.last, page.head ?? page.last)
                let outcome = await feed.wait(after: cursor, author: viewer.author, timeout: min(.seconds(1), deadline - ContinuousClock.now))
                // A token revoked (or its staff member deleted) while the poll waits gets
                // nothing more: checked before any pull, and every few seconds while quiet
                // (a deletion is a logged change, so it wakes the poll at once).
                switch outcome {
                case .quiet(let through):
                    if ContinuousClock.now - authenticated >= Self.quietReauthentication {
                        _ = try await authenticate(request)
                        authenticated = ContinuousClock.now
                    }
                    page.last = max(page.last, through)
                    page.head = max(page.head ?? 0, through)
                case .wake(let from):
                    let current = try await authenticate(request)
                    authenticated = ContinuousClock.now
                    page = try await storage.pull(after: max(page.last, from), offer: offer, limit: limit,
                                                  viewer: Viewer(author: current.author, site: site, deviceID: current.id))
                }
            }
            return JSONReply.raw(PullPageEncoding.encode(page, bucket: bucket, serverTime: clock()))
        }
    }

    private func authenticate(_ request: Request) async throws -> Device {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else {
            throw SyncHTTPError(.unauthorized, code: "unauthorized", "missing bearer token")
        }
        guard let device = try await storage.device(tokenHash: DeviceToken.hash(String(header.dropFirst(7)))) else {
            throw SyncHTTPError(.unauthorized, code: "unauthorized", "token unknown or revoked")
        }
        return device
    }

    /// Reads and decodes a JSON body: `fast` may decode the valid common case quickly (or
    /// return `nil`); `JSONDecoder` decides everything else, so errors name the field.
    private func decode<T: Decodable>(_ request: Request, _ context: BasicRequestContext, fast: (Data) -> T? = { _ in nil }) async throws -> T {
        let buffer = try await BodyReader.collect(request.body, upTo: configuration.maxBodyBytes, seconds: configuration.slowClientSeconds)
        let data = Data(buffer: buffer)
        guard String(validating: data, as: UTF8.self) != nil else {
            throw SyncHTTPError(.badRequest, code: "invalid_utf8", "request body is not valid UTF-8")
        }
        // No decoder walks a body nested deeper than the protocol ever nests.
        guard JSONDepth.measure(data) <= JSONDepth.limit else {
            throw SyncHTTPError(.badRequest, code: "too_deep", "request body nests deeper than \(JSONDepth.limit) levels")
        }
        if let decoded = fast(data) { return decoded }
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            throw SyncHTTPError(.badRequest, ErrorResponse(code: DecodingProblem.code(error), message: DecodingProblem.message(error)))
        }
    }

    private func integer(_ text: String?, name: String, default value: Int64, range: ClosedRange<Int64>) throws -> Int64 {
        guard let text else { return value }
        guard let number = Int64(text), range.contains(number) else {
            throw SyncHTTPError(.badRequest, code: "invalid_value", "\(name): must be an integer within \(range.lowerBound)...\(range.upperBound)")
        }
        return number
    }

    private func isUUID(_ text: String) -> Bool { UUID(uuidString: text) != nil }
}

/// Turns a `DecodingError` into the protocol's code and a message naming the field.
enum DecodingProblem {
    static func code(_ error: DecodingError) -> String {
        switch error {
        case .typeMismatch: "wrong_type"
        case .keyNotFound: "missing_field"
        case .valueNotFound: "wrong_type"
        case .dataCorrupted(let context): context.codingPath.isEmpty ? "malformed_json" : "wrong_type"
        @unknown default: "malformed_json"
        }
    }

    static func message(_ error: DecodingError) -> String {
        func path(_ codingPath: [any CodingKey]) -> String {
            codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().trimmingCharacters(in: CharacterSet(charactersIn: "."))
        }
        switch error {
        case .typeMismatch(let type, let context): return "\(path(context.codingPath)): expected \(type)"
        case .keyNotFound(let key, let context): return "\(path(context.codingPath + [key])): missing"
        case .valueNotFound(let type, let context): return "\(path(context.codingPath)): expected \(type), found null"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "body is not valid JSON" : "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default: return "body could not be decoded"
        }
    }
}

/// Writes a pull page from the log's stored wire JSON without decoding it.
enum PullPageEncoding {
    static func encode(_ page: LogPage, bucket: String, serverTime: Int64) -> Data {
        var out = Data()
        out.reserveCapacity(page.changes.reduce(128) { $0 + $1.utf8.count + 1 })
        out.append(contentsOf: #"{"bucket":""#.utf8)
        out.append(contentsOf: bucket.utf8)
        out.append(contentsOf: #"","changes":["#.utf8)
        for (index, change) in page.changes.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: change.utf8)
        }
        out.append(contentsOf: #"],"more":"#.utf8)
        out.append(contentsOf: (page.more ? "true" : "false").utf8)
        out.append(contentsOf: #","next":"#.utf8)
        out.append(contentsOf: String(page.last).utf8)
        out.append(contentsOf: #","serverTime":"#.utf8)
        out.append(contentsOf: String(serverTime).utf8)
        if !page.revokes.isEmpty {
            out.append(contentsOf: #","revokes":"#.utf8)
            out.append(contentsOf: (try? JSONEncoder().encode(page.revokes)) ?? Data("[]".utf8))
        }
        if let offer = page.offer {
            out.append(contentsOf: #","offer":"#.utf8)
            out.append(contentsOf: String(offer).utf8)
        }
        if let head = page.head {
            out.append(contentsOf: #","head":"#.utf8)
            out.append(contentsOf: String(head).utf8)
        }
        out.append(UInt8(ascii: "}"))
        return out
    }
}
