import CRMTestSupport
import Foundation
import GRDB
import SyncCore
import SyncEngine
import Testing

/// A captured push sent again, by its own device or another, or with a revoked token, and a
/// change that claims another workstation's site: none of them changes what the server
/// holds beyond the one genuine push.
@Suite("Replayed and forged pushes", .serialized)
struct ReplayTests {
    static let site = "01a203c2-1591-7000-8ba2-5eaef49eb158"
    static let otherSite = "01a203c2-2222-7000-8ba2-5eaef49eb158"
    static let row = "01a203c2-15bc-7000-8d68-0611e11f9091"

    static func body(changeSite: String = site) -> Data {
        Data(#"{"site":"\#(site)","changes":[{"site":"\#(changeSite)","seq":1,"hlc":\#(Int64(Date().timeIntervalSince1970 * 1000) << 16),"e":"client","r":"\#(row)","f":{"name":"Replayed Kim","created_at":"2026-11-22T10:00:00Z"}}]}"#.utf8)
    }

    private func registered(_ server: ServerProcess, _ token: String, site: String = site) throws -> [String: String] {
        let headers = ["Authorization": "Bearer \(token)", "Content-Type": "application/json"]
        let reply = try CurlHTTPClient().send(method: "POST", url: server.url + "/v1/register", headers: headers, body: Data(#"{"site":"\#(site)"}"#.utf8), timeout: 10)
        #expect(reply.status == 200)
        return headers
    }

    @Test func replayedPushIsAcknowledgedAsDuplicateAndStoresNothingNew() throws {
        let directory = try TemporaryDirectory("crm-replay")
        let server = try ServerProcess(in: directory)
        let headers = try registered(server, try server.addUser("kim").token)
        let http = CurlHTTPClient()
        let first = try http.send(method: "POST", url: server.url + "/v1/push", headers: headers, body: Self.body(), timeout: 10)
        #expect(first.status == 200)
        let before = try server.dumpStore()
        for _ in 0..<3 {
            let replay = try http.send(method: "POST", url: server.url + "/v1/push", headers: headers, body: Self.body(), timeout: 10)
            #expect(replay.status == 200)
            let response = try JSONDecoder().decode(PushResponse.self, from: replay.body)
            #expect(response.acks.map(\.status) == [.duplicate])
        }
        #expect(try server.dumpStore() == before)
    }

    @Test func replayedPushUnderAnotherDevicesTokenIsRefusedAsForeign() throws {
        let directory = try TemporaryDirectory("crm-replay")
        let server = try ServerProcess(in: directory)
        _ = try registered(server, try server.addUser("kim").token)
        let mallory = try server.addUser("mallory").token
        let before = try server.dumpStore()
        let replay = try CurlHTTPClient().send(method: "POST", url: server.url + "/v1/push",
                                               headers: ["Authorization": "Bearer \(mallory)", "Content-Type": "application/json"], body: Self.body(), timeout: 10)
        #expect(replay.status == 403)
        #expect(try JSONDecoder().decode(ErrorResponse.self, from: replay.body).error.code == "site_not_registered")
        #expect(try server.dumpStore() == before)
    }

    @Test func pushWithARevokedTokenIsRefusedAndStoresNothing() throws {
        let directory = try TemporaryDirectory("crm-replay")
        let server = try ServerProcess(in: directory)
        let token = try server.addUser("kim").token
        let headers = try registered(server, token)
        #expect(try CommandRunner.run("crm-server", ["admin", "revoke-token"] + server.storeArguments + ["--token", token]).status == 0)
        let before = try server.dumpStore()
        let stale = try CurlHTTPClient().send(method: "POST", url: server.url + "/v1/push", headers: headers, body: Self.body(), timeout: 10)
        #expect(stale.status == 401)
        #expect(try server.dumpStore() == before)
    }

    @Test func changeClaimingAnotherSiteIsLoggedUnderTheSiteThatPushedIt() throws {
        let directory = try TemporaryDirectory("crm-replay")
        let server = try ServerProcess(in: directory)
        let headers = try registered(server, try server.addUser("kim").token)
        _ = try registered(server, try server.addUser("lee").token, site: Self.otherSite)
        let reply = try CurlHTTPClient().send(method: "POST", url: server.url + "/v1/push", headers: headers, body: Self.body(changeSite: Self.otherSite), timeout: 10)
        #expect(reply.status == 200)
        let sites = try server.query("SELECT site FROM change_log WHERE wire LIKE '%\(Self.row)%'").map { $0[0] }
        #expect(sites == [Self.site])
        let applied = try server.query("SELECT applied_seq FROM site_state WHERE site_id = '\(Self.otherSite)'").first?.first
        #expect(applied == nil || applied == "0")
    }
}
