import CRMTestSupport
import Foundation
import SyncCore
import SyncEngine
import Testing

/// A stalled or slow client cannot hold a server connection, and its memory, forever
/// (`crm-server serve --slow-client-seconds`).
@Suite("Slow clients are cut off", .serialized)
struct SlowClientTests {
    @Test func connectionThatSendsNothingIsClosedAfterTwiceTheSlowClientLimit() throws {
        let directory = try TemporaryDirectory("crm-slow")
        let server = try ServerProcess(in: directory, arguments: ["--slow-client-seconds", "1"])
        let connection = try RawConnection(port: server.port)
        let started = Date()
        let result = connection.readUntilClosed(seconds: 10)
        #expect(result.closed)
        #expect(Date().timeIntervalSince(started) < 5)
    }

    @Test func requestStoppedWithinItsHeadersIsClosedAfterTwiceTheSlowClientLimit() throws {
        let directory = try TemporaryDirectory("crm-slow")
        let server = try ServerProcess(in: directory, arguments: ["--slow-client-seconds", "1"])
        let connection = try RawConnection(port: server.port)
        connection.send("POST /v1/push HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Le")
        let result = connection.readUntilClosed(seconds: 10)
        #expect(result.closed)
    }

    @Test func bodyThatStopsHalfWayGets408AndStoresNothing() throws {
        let directory = try TemporaryDirectory("crm-slow")
        let server = try ServerProcess(in: directory, arguments: ["--slow-client-seconds", "1"])
        let user = try server.addUser("kim")
        let site = "01a203c2-1591-7000-8ba2-5eaef49eb158"
        let http = CurlHTTPClient()
        let headers = ["Authorization": "Bearer \(user.token)", "Content-Type": "application/json"]
        #expect(try http.send(method: "POST", url: server.url + "/v1/register", headers: headers, body: Data(#"{"site":"\#(site)"}"#.utf8), timeout: 10).status == 200)
        let before = try server.dumpStore()
        let connection = try RawConnection(port: server.port)
        connection.send("POST /v1/push HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(user.token)\r\nContent-Type: application/json\r\nContent-Length: 400\r\n\r\n{\"site\":\"\(site)\",\"changes\":[")
        let started = Date()
        let result = connection.readUntilClosed(seconds: 10)
        #expect(result.text.hasPrefix("HTTP/1.1 408"), "reply: \(result.text)")
        #expect(result.text.contains("body_timeout"))
        #expect(Date().timeIntervalSince(started) < 5)
        #expect(try server.dumpStore() == before)
    }

    @Test func slowClientLimitDoesNotCutALongPollShort() throws {
        let directory = try TemporaryDirectory("crm-slow")
        let server = try ServerProcess(in: directory, arguments: ["--slow-client-seconds", "1"])
        let user = try server.addUser("kim")
        let started = Date()
        let result = try CurlHTTPClient().send(method: "GET", url: server.url + "/v1/pull?after=1000000&wait=3",
                                               headers: ["Authorization": "Bearer \(user.token)"], body: nil, timeout: 10)
        #expect(result.status == 200)
        #expect(Date().timeIntervalSince(started) >= 2.5)
    }
}
