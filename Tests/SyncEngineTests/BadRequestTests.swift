import CRMTestSupport
import Foundation
import SyncCore
import SyncEngine
import Testing

/// One malformed request and the 4xx it must get.
struct BadRequest: CustomTestStringConvertible, Sendable {
    let name: String
    let path: String
    let body: @Sendable (_ site: String) -> Data
    let status: Int
    let code: String
    var testDescription: String { name }
}

@Suite("Bad requests get a 4xx JSON error naming the problem and change nothing", .serialized)
struct BadRequestTests {
    static let row = "01a203c2-15bc-7000-8d68-0611e11f9091"

    static func push(_ site: String, _ change: String) -> Data {
        Data(#"{"site":"\#(site)","changes":[\#(change)]}"#.utf8)
    }

    static let cases: [BadRequest] = [
        BadRequest(name: "malformed JSON", path: "/v1/push", body: { _ in Data(#"{"site": "x", "changes": [}"#.utf8) }, status: 400, code: "malformed_json"),
        BadRequest(name: "wrong type for seq", path: "/v1/push", body: { push($0, #"{"seq":"one","hlc":1,"e":"client","r":"\#(row)"}"#) }, status: 400, code: "wrong_type"),
        BadRequest(name: "missing hlc", path: "/v1/push", body: { push($0, #"{"seq":1,"e":"client","r":"\#(row)"}"#) }, status: 400, code: "missing_field"),
        BadRequest(name: "unknown table", path: "/v1/push", body: { push($0, #"{"seq":1,"hlc":1,"e":"payroll","r":"\#(row)","f":{"amount":1}}"#) }, status: 400, code: "unknown_entity"),
        BadRequest(name: "unknown field", path: "/v1/push", body: { push($0, #"{"seq":1,"hlc":1,"e":"client","r":"\#(row)","f":{"salary":1}}"#) }, status: 400, code: "unknown_field"),
        BadRequest(name: "number for a text field", path: "/v1/push", body: { push($0, #"{"seq":1,"hlc":1,"e":"client","r":"\#(row)","f":{"name":42}}"#) }, status: 400, code: "wrong_type"),
        BadRequest(name: "row id not a UUID", path: "/v1/push", body: { push($0, #"{"seq":1,"hlc":1,"e":"client","r":"client-1","f":{"name":"x"}}"#) }, status: 400, code: "invalid_id"),
        BadRequest(name: "rows key id not a UUID", path: "/v1/rows", body: { _ in Data(#"{"keys":[{"e":"client","r":"client-1"}]}"#.utf8) }, status: 400, code: "invalid_id"),
        BadRequest(name: "invalid UTF-8", path: "/v1/push", body: { site in
            var data = push(site, #"{"seq":1,"hlc":1,"e":"client","r":"\#(row)","f":{"name":"AB"}}"#)
            data[data.firstRange(of: Data("AB".utf8))!.lowerBound] = 0xC3
            return data
        }, status: 400, code: "invalid_utf8"),
        BadRequest(name: "oversized body", path: "/v1/push", body: { push($0, #"{"seq":1,"hlc":1,"e":"client","r":"\#(row)","f":{"name":"\#(String(repeating: "x", count: 9 << 20))"}}"#) },
                   status: 413, code: "body_too_large"),
        BadRequest(name: "sequence gap", path: "/v1/push", body: { push($0, #"{"seq":7,"hlc":1,"e":"client","r":"\#(row)","f":{"name":"x","created_at":"2026-11-22T10:00:00Z"}}"#) },
                   status: 409, code: "sequence_gap"),
        BadRequest(name: "another site's id", path: "/v1/push", body: { _ in push("01a203c2-0000-7000-8000-000000000000", #"{"seq":1,"hlc":1,"e":"client","r":"\#(row)","f":{"name":"x","created_at":"2026-11-22T10:00:00Z"}}"#) },
                   status: 403, code: "site_not_registered"),
        BadRequest(name: "clock far ahead", path: "/v1/push", body: { push($0, #"{"seq":1,"hlc":\#((Int64(Date().timeIntervalSince1970 * 1000) + 3_600_000) << 16),"e":"client","r":"\#(row)","f":{"name":"x","created_at":"2026-11-22T10:00:00Z"}}"#) },
                   status: 409, code: "clock_skew"),
        BadRequest(name: "a push nested 40,000 deep in an unknown key", path: "/v1/push", body: { site in
            let deep = String(repeating: "[", count: 40_000) + String(repeating: "]", count: 40_000)
            return Data(#"{"site":"\#(site)","changes":[{"seq":1,"hlc":1,"e":"client","r":"\#(row)","u":\#(deep)}]}"#.utf8)
        }, status: 400, code: "too_deep"),
        BadRequest(name: "a row read nested 40,000 deep", path: "/v1/rows", body: { _ in
            Data(#"{"keys":[],"x":\#(String(repeating: "{\"a\":", count: 40_000))1\#(String(repeating: "}", count: 40_000))}"#.utf8)
        }, status: 400, code: "too_deep"),
        BadRequest(name: "unknown table in a row read", path: "/v1/rows", body: { _ in Data(#"{"keys":[{"e":"payroll","r":"\#(row)"}]}"#.utf8) }, status: 400, code: "unknown_entity"),
    ]

    @Test(arguments: cases)
    func badRequestIsRefusedWithItsCodeAndChangesNothing(_ bad: BadRequest) throws {
        let directory = try TemporaryDirectory("crm-bad")
        let server = try ServerProcess(in: directory)
        let user = try server.addUser("kim")
        let site = "01a203c2-1591-7000-8ba2-5eaef49eb158"
        let http = CurlHTTPClient()
        let headers = ["Authorization": "Bearer \(user.token)", "Content-Type": "application/json"]
        let registered = try http.send(method: "POST", url: server.url + "/v1/register", headers: headers, body: Data(#"{"site":"\#(site)"}"#.utf8), timeout: 10)
        #expect(registered.status == 200)
        let before = try server.dumpStore()
        let result = try http.send(method: "POST", url: server.url + bad.path, headers: headers, body: bad.body(site), timeout: 30)
        #expect(result.status == bad.status)
        let error = try JSONDecoder().decode(ErrorResponse.self, from: result.body)
        #expect(error.error.code == bad.code, "\(error.error.message)")
        #expect(!error.error.message.isEmpty)
        #expect(try server.dumpStore() == before)
    }

    @Test func anotherMethodOnAProtocolPathGets405NamingTheAllowedOne() throws {
        let directory = try TemporaryDirectory("crm-bad")
        let server = try ServerProcess(in: directory)
        let http = CurlHTTPClient()
        for (method, path, allowed) in [("PUT", "/v1/push", "POST"), ("DELETE", "/v1/pull", "GET"), ("TRACE", "/v1/health", "GET"), ("QUERY", "/v1/rows", "POST")] {
            let result = try http.send(method: method, url: server.url + path, headers: [:], body: nil, timeout: 10)
            #expect(result.status == 405, "\(method) \(path)")
            let error = try JSONDecoder().decode(ErrorResponse.self, from: result.body).error
            #expect(error.code == "method_not_allowed" && error.message.contains("accepts \(allowed) only"), "\(method) \(path)")
        }
    }

    @Test func requestWithoutAValidTokenGets401() throws {
        let directory = try TemporaryDirectory("crm-bad")
        let server = try ServerProcess(in: directory)
        let http = CurlHTTPClient()
        for headers in [[:], ["Authorization": "Bearer crm_not_a_token"], ["Authorization": "Basic a2ltOmtpbQ=="]] {
            let result = try http.send(method: "GET", url: server.url + "/v1/pull?after=0", headers: headers, body: nil, timeout: 10)
            #expect(result.status == 401)
            #expect(try JSONDecoder().decode(ErrorResponse.self, from: result.body).error.code == "unauthorized")
        }
    }

    @Test func revokedTokenStopsSyncWithAMessageNamingTheCause() throws {
        let directory = try TemporaryDirectory("crm-bad")
        let server = try ServerProcess(in: directory)
        let user = try server.addUser("kim")
        let replica = directory.file("kim.crm")
        #expect(try CommandRunner.run("crm", ["init", "--replica", replica, "--server", server.url, "--token", user.token]).status == 0)
        let revoke = try CommandRunner.run("crm-server", ["admin", "revoke-token"] + server.storeArguments + ["--token", user.token])
        #expect(revoke.status == 0)
        let sync = try CommandRunner.run("crm", ["sync", "--replica", replica])
        #expect(sync.status != 0)
        #expect(sync.stderr.contains("refused this device's token"))
        let status = try CommandRunner.run("crm", ["status", "--replica", replica, "--json"])
        #expect(status.stdout.contains("unauthorized"))
        #expect(try CommandRunner.run("crm", ["client", "list", "--replica", replica]).status == 0)
    }

    @Test func watchingDaemonStopsWithTheCauseWhenItsTokenIsRevoked() throws {
        let directory = try TemporaryDirectory("crm-bad")
        let server = try ServerProcess(in: directory)
        let user = try server.addUser("kim")
        let replica = directory.file("kim.crm")
        #expect(try CommandRunner.run("crm", ["init", "--replica", replica, "--server", server.url, "--token", user.token]).status == 0)
        let daemon = Process()
        daemon.executableURL = URL(fileURLWithPath: CommandRunner.productsDirectory + "/crm")
        daemon.arguments = ["sync", "--watch", "--replica", replica]
        let errors = Pipe()
        daemon.standardError = errors
        daemon.standardOutput = FileHandle.nullDevice
        try daemon.run()
        defer { if daemon.isRunning { kill(daemon.processIdentifier, SIGKILL) } }
        Thread.sleep(forTimeInterval: 0.5)
        #expect(try CommandRunner.run("crm-server", ["admin", "revoke-token"] + server.storeArguments + ["--token", user.token]).status == 0)
        // A local write makes the daemon talk to the server at once.
        #expect(try CommandRunner.run("crm", ["client", "add", "--name", "Kim", "--replica", replica]).status == 0)
        let deadline = Date().addingTimeInterval(10)
        while daemon.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        #expect(!daemon.isRunning)
        daemon.waitUntilExit()
        #expect(daemon.terminationStatus != 0)
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(message.contains("refused this device's token"), "stderr: \(message)")
    }

    @Test func serverStopsGracefullyOnSigtermEvenWithALongPollOpen() throws {
        let directory = try TemporaryDirectory("crm-bad")
        let server = try ServerProcess(in: directory)
        let user = try server.addUser("kim")
        let url = server.url
        let poll = Thread {
            _ = try? CurlHTTPClient().send(method: "GET", url: url + "/v1/pull?after=1000&wait=30",
                                           headers: ["Authorization": "Bearer \(user.token)"], body: nil, timeout: 40)
        }
        poll.start()
        Thread.sleep(forTimeInterval: 0.5)
        let started = Date()
        #expect(server.stop() == 0)
        #expect(Date().timeIntervalSince(started) < 5, "a held long poll delayed shutdown")
    }
}
