import CRMTestSupport
import Foundation
import SyncEngine
import Testing

/// `crm ui` as a browser meets it, over real HTTP: the printed key opens a session; every
/// rule of a local web server holds (issue 13, item 4).
@Suite("crm ui: the local web server's rules", .serialized)
struct CRMUIServerTests {
    /// A replica with one client, `crm ui` serving it, and the printed line.
    private func start() throws -> (CRMHarness, Process, base: String, login: String) {
        let crm = try CRMHarness()
        _ = try crm.create("client", "add", "--name", "Kim <b>Minji</b>\"", "--phone", "+82 10-1234-5678")
        let (process, line) = try CommandRunner.launchReadingFirstLine("crm", ["ui", "--replica", crm.replica, "--port", "0", "--no-sync"])
        #expect(line.hasPrefix("ui on http://127.0.0.1:") && line.contains("/login?key="), "\(line)")
        let login = String(line.dropFirst("ui on ".count))
        let base = login.components(separatedBy: "/login")[0]
        return (crm, process, base, login)
    }

    private func get(_ url: String, headers: [String: String] = [:]) throws -> HTTPResult {
        try CurlHTTPClient().send(method: "GET", url: url, headers: headers, body: nil, timeout: 10)
    }

    /// The session cookie the login sets.
    private func session(_ login: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments = ["-s", "-D", "-", "-o", "/dev/null", login]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let headers = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let line = try #require(headers.split(separator: "\r\n").first { $0.lowercased().hasPrefix("set-cookie: crm_session=") })
        #expect(line.contains("HttpOnly") && line.contains("SameSite=Strict"), "\(line)")
        return String(line.dropFirst("set-cookie: ".count).prefix { $0 != ";" })
    }

    @Test func theKeyOpensASessionAndEverythingElseWithoutItGets401() throws {
        let (_, process, base, login) = try start()
        defer { process.terminate(); process.waitUntilExit() }
        #expect(try get(base + "/clients").status == 401)
        #expect(try get(base + "/login?key=wrong").status == 401)
        let cookie = try session(login)
        let page = try get(base + "/clients", headers: ["Cookie": cookie])
        #expect(page.status == 200)
        let html = String(decoding: page.body, as: UTF8.self)
        // Names can hold anything: they are shown, never run.
        #expect(html.contains("Kim &lt;b&gt;Minji&lt;/b&gt;&quot;") && !html.contains("<b>Minji"))
        #expect(html.contains(#"<input type="search""#))
    }

    @Test func aForeignHostHeaderIsRefusedAgainstDNSRebinding() throws {
        let (_, process, base, login) = try start()
        defer { process.terminate(); process.waitUntilExit() }
        let cookie = try session(login)
        #expect(try get(base + "/clients", headers: ["Cookie": cookie, "Host": "attacker.example"]).status == 421)
        let port = base.split(separator: ":").last.map(String.init) ?? ""
        #expect(try get(base + "/clients", headers: ["Cookie": cookie, "Host": "localhost:\(port)"]).status == 200)
    }

    @Test func aStateChangeWithoutThePagesTokenIsRefusedAndChangesNothing() throws {
        let (crm, process, base, login) = try start()
        defer { process.terminate(); process.waitUntilExit() }
        let cookie = try session(login)
        let before = try crm.dump()
        let forged = try CurlHTTPClient().send(method: "POST", url: base + "/clients", headers: ["Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"],
                                               body: Data("name=Forged".utf8), timeout: 10)
        #expect(forged.status == 403)
        #expect(try crm.dump() == before)
        let page = String(decoding: try get(base + "/clients", headers: ["Cookie": cookie]).body, as: UTF8.self)
        let token = try #require(page.range(of: #"name="csrf-token" content=""#).map { String(page[$0.upperBound...].prefix { $0 != "\"" }) })
        let added = try CurlHTTPClient().send(method: "POST", url: base + "/clients", headers: ["Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"],
                                              body: Data("csrf=\(token)&name=Lee+Jun".utf8), timeout: 10)
        #expect(added.status == 303)
        #expect(try crm.json([ClientRow].self, "client", "list").map(\.name).contains("Lee Jun"))
    }

    @Test func everyPageForbidsForeignScriptsFramesAndSniffing() throws {
        let (_, process, base, login) = try start()
        defer { process.terminate(); process.waitUntilExit() }
        let cookie = try session(login)
        for path in ["/clients", "/tasks", "/conflicts", "/rejected", "/static/app.js"] {
            let reply = try get(base + path, headers: ["Cookie": cookie])
            #expect(reply.status == 200, "\(path)")
        }
        let process2 = Process()
        process2.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process2.arguments = ["-s", "-D", "-", "-o", "/dev/null", "-H", "Cookie: \(cookie)", base + "/clients"]
        let output = Pipe()
        process2.standardOutput = output
        try process2.run()
        let headers = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).lowercased()
        process2.waitUntilExit()
        #expect(headers.contains("content-security-policy: default-src 'none'; script-src 'self'"))
        #expect(headers.contains("x-frame-options: deny") && headers.contains("x-content-type-options: nosniff"))
    }
}

/// The part of `crm client list --json` these tests read.
private struct ClientRow: Decodable { let name: String }
