import CRMTestSupport
import Foundation
import Testing

/// Text output names people, never shows their ids (issue 13, item 3).
@Suite("Names, not ids, in crm's text output")
struct NamesNotIDsTests {
    @Test func staffListAndTheCardAndTasksNameTheStaffMember() throws {
        let crm = try CRMHarness()
        let branch = try crm.create("branch", "add", "--name", "Gangnam")
        let kim = try crm.create("staff", "add", "--name", "Kim Jihyun", "--role", "manager", "--branch", branch)
        let client = try crm.create("client", "add", "--name", "Lee Jun")
        #expect(try crm.crm("assign", client, "--to", kim).status == 0)
        _ = try crm.create("task", "add", "--title", "Call back", "--assignee", kim, "--client", client)
        let card = try crm.crm("client", "show", client).stdout
        #expect(card.contains("assignee: Kim Jihyun") && !card.contains(kim), "\(card)")
        let tasks = try crm.crm("tasks").stdout
        #expect(tasks.contains("for Kim Jihyun") && tasks.contains("about Lee Jun") && !tasks.contains(kim), "\(tasks)")
        let listed = try crm.crm("staff", "list").stdout
        #expect(listed.contains("Kim Jihyun  manager  other  Gangnam"), "\(listed)")
        let json = try crm.json([[String: String?]].self, "staff", "list")
        #expect(json.first.map { Set($0.keys) } == ["id", "name", "role", "team", "branch"])
    }

    @Test func theCardNamesTheRoomAndShowsTimesInTheWorkstationsZone() throws {
        let crm = try CRMHarness()
        let room = try crm.create("room", "add", "--name", "Blue room", "--capacity", "1")
        let client = try crm.create("client", "add", "--name", "Lee Jun")
        _ = try crm.create("schedule", "add", client, "--start", "2026-12-01T10:00:00Z", "--end", "2026-12-01T11:00:00Z", "--room", room)
        let card = try CommandRunner.run("crm", ["client", "show", client, "--replica", crm.replica], environment: ["TZ": "Asia/Seoul"]).stdout
        #expect(card.contains("2026-12-01 19:00 +09:00 – 2026-12-01 20:00 +09:00 scheduled in Blue room") && !card.contains(room), "\(card)")
    }
}
