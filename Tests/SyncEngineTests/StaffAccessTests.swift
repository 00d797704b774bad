import CRMModel
import CRMTestSupport
import Foundation
import GRDB
import LocalReplica
import SyncCore
import SyncEngine
import Testing

/// Who may still use a token: a deleted or revoked staff member gets 401 at once, even in
/// the middle of a long poll (issue 12, finding 7); a token registers a bounded number of
/// replicas.
@Suite("Staff access: deleted and revoked staff are shut out at once", .serialized)
struct StaffAccessTests {
    private func userID(of replica: Replica) throws -> String {
        try DatabaseQueue(path: replica.path).read { db in try String.fetchOne(db, sql: "SELECT user_id FROM replica_meta") } ?? ""
    }

    @Test func aDeletedStaffMembersTokenGets401AtOnceEvenInAWaitingLongPoll() throws {
        let fixture = try SyncFixture()
        let kim = try fixture.replica("kim")
        let park = try fixture.replica("park", role: "manager")
        let parkID = try userID(of: park)
        let token = try DeviceCredentials.load(forReplica: park.path)
        let device = try HostileDevice(url: fixture.server.url, token: token)
        #expect(try device.send("GET", "/v1/pull?after=0").status == 200)
        // Park waits for news; the head office deletes Park meanwhile.
        let url = fixture.server.url
        let poll = Thread.detachedResult {
            try CurlHTTPClient().send(method: "GET", url: url + "/v1/pull?after=1000000&wait=20", headers: ["Authorization": "Bearer \(token)"], body: nil, timeout: 60).status
        }
        Thread.sleep(forTimeInterval: 0.5)
        let started = Date()
        let executive = try HostileDevice(url: fixture.server.url, token: try DeviceCredentials.load(forReplica: kim.path))
        #expect(try executive.push("staff_user", parkID, nil).status == .applied)
        #expect(try poll.value() == 401)
        #expect(Date().timeIntervalSince(started) < 5, "the long poll held on for \(Date().timeIntervalSince(started)) s")
        #expect(try device.send("GET", "/v1/pull?after=0").status == 401)
        let push = try device.send("POST", "/v1/push", body: Data(#"{"site":"\#(device.site)","changes":[]}"#.utf8))
        #expect(push.status == 401)
        let listed = try CommandRunner.run("crm-server", ["admin", "list-users"] + fixture.server.storeArguments + ["--json"])
        let users = try listed.json([[String: JSONValue]].self)
        #expect(users.first { $0["id"] == .string(parkID) }?["deleted"] == .bool(true))
        #expect(users.allSatisfy { Set($0.keys) == ["id", "name", "role", "team", "branch", "deleted"] })
    }

    @Test func revokeUserShutsOutEveryDeviceOfThatStaffMemberAndListTokensShowsWhen() throws {
        let fixture = try SyncFixture()
        let park = try fixture.replica("park", role: "manager")
        let parkID = try userID(of: park)
        let second = try ServerProcess.admin(["issue-token"] + fixture.server.storeArguments + ["--user", parkID, "--device", "park-laptop", "--json"], key: "token")
        let devices = [try HostileDevice(url: fixture.server.url, token: try DeviceCredentials.load(forReplica: park.path)),
                       try HostileDevice(url: fixture.server.url, token: second)]
        let revoked = try CommandRunner.run("crm-server", ["admin", "revoke-user"] + fixture.server.storeArguments + ["--user", parkID, "--json"])
        #expect(revoked.status == 0 && revoked.stdout.contains(#"{"revoked":2}"#), "\(revoked.stdout)\(revoked.stderr)")
        for device in devices { #expect(try device.send("GET", "/v1/pull?after=0").status == 401) }
        let tokens = try CommandRunner.run("crm-server", ["admin", "list-tokens"] + fixture.server.storeArguments + ["--user", parkID, "--json"])
        let listed = try tokens.json([[String: JSONValue]].self)
        #expect(listed.count == 2 && listed.allSatisfy { Set($0.keys) == ["device", "createdAt", "revokedAt"] && $0["revokedAt"] != .null })
        let active = try ServerProcess.admin(["add-user"] + fixture.server.storeArguments + ["--name", "lee", "--role", "general", "--branch", fixture.server.branch, "--json"], key: "id")
        _ = try ServerProcess.admin(["issue-token"] + fixture.server.storeArguments + ["--user", active, "--device", "lee-pc", "--json"], key: "token")
        let fresh = try CommandRunner.run("crm-server", ["admin", "list-tokens"] + fixture.server.storeArguments + ["--user", active, "--json"]).json([[String: JSONValue]].self)
        #expect(fresh.count == 1 && fresh.first?["revokedAt"] == .null && fresh.first?["device"] == .string("lee-pc"))
        #expect(!tokens.stdout.contains(second), "list-tokens printed a token")
        let unknown = try CommandRunner.run("crm-server", ["admin", "revoke-user"] + fixture.server.storeArguments + ["--user", "01a203c2-0000-7000-8000-000000000000"])
        #expect(unknown.status != 0 && unknown.stderr.contains("not found"))
    }

    @Test func aTokenRegistersAtMostTwentyReplicas() throws {
        let fixture = try SyncFixture()
        let user = try fixture.server.addUser("park", role: "manager")
        for _ in 0..<20 { _ = try HostileDevice(url: fixture.server.url, token: user.token) }
        let error = #expect(throws: CLIError.self) { try HostileDevice(url: fixture.server.url, token: user.token) }
        #expect(error?.description.contains("too_many_sites") == true, "\(error?.description ?? "")")
    }
}

/// Files of personal data are their owner's alone (issue 12, finding 12).
@Suite("Private files: replicas, the store and tokens are the owner's alone", .serialized)
struct PrivateFileTests {
    private func mode(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    @Test func replicasTheirLogsTheStoreAndTokenFilesAreCreatedReadableByTheOwnerOnly() throws {
        let fixture = try SyncFixture()
        let replica = try fixture.replica("kim")
        _ = try replica.write { try $0.addClient(NewClient(name: "Kim Minji")) }
        try fixture.sync(replica)
        for path in [replica.path, replica.path + "-wal", replica.path + "-shm", replica.path + ".token", fixture.server.db, fixture.server.db + "-wal"]
        where FileManager.default.fileExists(atPath: path) {
            let found = try mode(path)
            #expect(found == 0o600, "\(path) has mode \(String(found, radix: 8))")
        }
        #expect(FileManager.default.fileExists(atPath: replica.path + "-wal"), "the check must see a -wal file")
    }
}

/// A JSON value, for checking the shape of command output.
enum JSONValue: Decodable, Equatable {
    case string(String), number(Double), bool(Bool), null, array([JSONValue]), object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([JSONValue].self) { self = .array(value) }
        else { self = .object(try container.decode([String: JSONValue].self)) }
    }
}

extension Thread {
    /// Runs `work` on a new thread; `value()` waits for its result.
    static func detachedResult<T: Sendable>(_ work: @escaping @Sendable () throws -> T) -> DetachedResult<T> {
        let result = DetachedResult<T>()
        Thread { result.set(Result { try work() }) }.start()
        return result
    }
}

/// The result of work on another thread.
final class DetachedResult<T: Sendable>: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var result: Result<T, any Error>?

    func set(_ value: Result<T, any Error>) {
        result = value
        done.signal()
    }

    func value() throws -> T {
        done.wait()
        return try result!.get()
    }
}
