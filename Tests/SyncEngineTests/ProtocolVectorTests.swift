import CRMTestSupport
import Foundation
import GRDB
import SyncCore
import SyncEngine
import Testing

/// One file of protocol/vectors (see its README for the format).
struct ProtocolVector: Decodable, CustomTestStringConvertible, Sendable {
    struct Push: Decodable, Sendable {
        struct ExpectedError: Decodable, Sendable {
            let status: Int
            let code: String
            let expectedSeq: Int64?
        }
        let site: String
        let changes: [WireChange]
        let expectAcks: [Ack]?
        let expectError: ExpectedError?
    }

    struct Derived: Decodable, Sendable {
        let e: String
        let f: [String: FieldValue]
    }

    let name: String
    let description: String
    let pushes: [Push]
    let expectRows: [RowsResponse.Row]
    let expectLogSize: Int?
    /// Rows the server made by rule (`conflict`, `task`), in log order: each listed field
    /// must have this value.
    let expectDerived: [Derived]?
    var testDescription: String { name }

    static func all() throws -> [ProtocolVector] {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../protocol/vectors").standardized
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".json") }.sorted()
        return try files.map { try JSONDecoder().decode(ProtocolVector.self, from: Data(contentsOf: directory.appendingPathComponent($0))) }
    }
}

@Suite("protocol/vectors, replayed against a real server", .serialized)
struct ProtocolVectorTests {
    @Test func everyVectorFileIsReplayed() throws {
        #expect(try ProtocolVector.all().count >= 10)
    }

    @Test(arguments: try ProtocolVector.all())
    func serverMatchesTheVector(_ vector: ProtocolVector) throws {
        let directory = try TemporaryDirectory("crm-vector")
        let server = try ServerProcess(in: directory)
        let user = try server.addUser("kim")
        let http = CurlHTTPClient()
        let headers = ["Authorization": "Bearer \(user.token)", "Content-Type": "application/json"]
        func site(_ name: String) -> String { "00000000-0000-7000-8000-0000000000" + name.lowercased().padding(toLength: 2, withPad: "0", startingAt: 0) }
        for name in Set(vector.pushes.map(\.site)) {
            let reply = try http.send(method: "POST", url: server.url + "/v1/register", headers: headers,
                                      body: try JSONEncoder().encode(RegisterRequest(site: site(name))), timeout: 10)
            #expect(reply.status == 200)
        }
        for (index, push) in vector.pushes.enumerated() {
            let body = try JSONEncoder().encode(PushRequest(site: site(push.site), changes: push.changes))
            let reply = try http.send(method: "POST", url: server.url + "/v1/push", headers: headers, body: body, timeout: 10)
            if let expected = push.expectError {
                #expect(reply.status == expected.status, "\(vector.name) push \(index)")
                let error = try JSONDecoder().decode(ErrorResponse.self, from: reply.body).error
                #expect(error.code == expected.code, "\(vector.name) push \(index)")
                if let seq = expected.expectedSeq { #expect(error.expectedSeq == seq) }
                continue
            }
            #expect(reply.status == 200, "\(vector.name) push \(index): \(String(decoding: reply.body, as: UTF8.self))")
            let acks = try JSONDecoder().decode(PushResponse.self, from: reply.body).acks
            if let expected = push.expectAcks {
                #expect(acks.map(\.seq) == expected.map(\.seq), "\(vector.name) push \(index)")
                #expect(acks.map(\.status) == expected.map(\.status), "\(vector.name) push \(index)")
                #expect(acks.map(\.reason) == expected.map(\.reason), "\(vector.name) push \(index)")
                #expect(acks.map(\.superseded) == expected.map(\.superseded), "\(vector.name) push \(index)")
            }
        }
        let keys = vector.expectRows.map { RowsRequest.Key(e: $0.e, r: $0.r) }
        let reply = try http.send(method: "POST", url: server.url + "/v1/rows", headers: headers, body: try JSONEncoder().encode(RowsRequest(keys: keys)), timeout: 10)
        let rows = try JSONDecoder().decode(RowsResponse.self, from: reply.body).rows
        for (expected, actual) in zip(vector.expectRows, rows) {
            #expect(actual.exists == expected.exists, "\(vector.name): \(expected.e) \(expected.r)")
            for (field, value) in expected.f ?? [:] {
                #expect(actual.f?[field] == value, "\(vector.name): \(expected.e).\(field)")
            }
        }
        if let expected = vector.expectDerived {
            let page = try http.send(method: "GET", url: server.url + "/v1/pull?after=0&limit=1000", headers: headers, body: nil, timeout: 10)
            let derived = try JSONDecoder().decode(PullResponse.self, from: page.body).changes.filter { $0.e == "conflict" || ($0.e == "task" && $0.f?["kind"] != .text("manual")) }
            #expect(derived.map(\.e) == expected.map(\.e), "\(vector.name): rows made by rule")
            for (made, wanted) in zip(derived, expected) {
                for (field, value) in wanted.f {
                    #expect(made.f?[field] == value, "\(vector.name): \(made.e).\(field)")
                }
            }
        }
        if let size = vector.expectLogSize {
            let sites = Set(vector.pushes.map { site($0.site) })
            let logged = try server.query("SELECT site FROM change_log").filter { sites.contains($0[0]) }.count
            #expect(logged == size, "\(vector.name)")
        }
    }
}
