import CRMTestSupport
import Foundation
import Testing

@Suite("crm commands, run as processes against a temporary replica")
struct CommandStoryTests {
    @Test func readmeStoryClientWithTwoPhonesMemoAndScheduleGoesInProgressThenCompleted() throws {
        let h = try CRMHarness()
        let client = try h.create("client", "add", "--name", "Kim Minji", "--phone", "+82 10-1234-5678", "--phone", "+7 912 345 67 89")
        _ = try h.create("memo", "add", client, "--text", "First consultation: wants weekday mornings.", "--type", "meeting")
        let schedule = try h.create("schedule", "add", client, "--start", "2026-11-23T10:00:00Z", "--end", "2026-11-23T11:00:00Z", "--room", "Room 2")
        var card = try h.json(ShownClient.self, "client", "show", client)
        #expect(card.status == "in_progress")
        #expect(card.phones == ["+821012345678", "+79123456789"])
        #expect(card.memos.map(\.type) == ["meeting"])
        #expect(try h.crm("schedule", "done", schedule).status == 0)
        card = try h.json(ShownClient.self, "client", "show", client)
        #expect(card.status == "completed")
        #expect(card.schedules.map(\.state) == ["done"])
    }

    @Test func moneyIsALedgerWhoseSumIsTheBalanceAndDeletingAScheduleReleasesItsDeduction() throws {
        let h = try CRMHarness()
        let client = try h.create("client", "add", "--name", "Kim Minji")
        _ = try h.create("money", "add", client, "--kind", "payment", "--amount", "50000")
        let schedule = try h.create("schedule", "add", client, "--start", "2026-11-23T10:00Z", "--end", "2026-11-23T11:00Z",
                                    "--deduct", "30000", "--settle", "45000")
        #expect(try h.json(ShownClient.self, "client", "show", client).balance == -25_000)
        #expect(try h.crm("schedule", "delete", schedule).status == 0)
        // The settlement goes with the schedule; the deduction is released by a new entry.
        #expect(try h.json(ShownClient.self, "client", "show", client).balance == 50_000)
    }

    @Test func archivingDropsPlannedLessonsCallsAndGroupMembershipButKeepsHistory() throws {
        let h = try CRMHarness()
        let client = try h.create("client", "add", "--name", "Kim Minji")
        let course = try h.create("class", "add", "--name", "Reading group", "--capacity", "6")
        _ = try h.create("class", "enrol", course, client)
        _ = try h.create("call", "plan", client, "--due", "2026-11-25T09:00Z", "--note", "ask about the spring term")
        let past = try h.create("schedule", "add", client, "--start", "2026-11-20T10:00Z", "--end", "2026-11-20T11:00Z", "--class", course)
        try h.crm("schedule", "done", past)
        _ = try h.create("schedule", "add", client, "--start", "2026-11-27T10:00Z", "--end", "2026-11-27T11:00Z", "--class", course)
        try h.crm("client", "archive", client, "--reason", "moved away")
        let card = try h.json(ShownClient.self, "client", "show", client)
        #expect(card.status == "archived")
        #expect(card.schedules.map(\.id) == [past])
        #expect(try h.sql("SELECT COUNT(*) FROM enrolment") == "0")
        #expect(try h.sql("SELECT COUNT(*) FROM planned_call") == "0")
    }

    @Test func clientCommandsEditDormantWakeArchiveUnarchiveAndDelete() throws {
        let h = try CRMHarness()
        try h.crm("field", "add", "--key", "dog_name", "--label", "Dog's name")
        let client = try h.create("client", "add", "--name", "Kim", "--email", "kim@example.com", "--birth-date", "15.03.1987",
                                  "--tag", "vip", "--field", "dog_name=Bori")
        #expect(try h.crm("client", "edit", client, "--name", "Kim Minji", "--phone", "+82 10 1111 2222", "--add-tag", "new", "--remove-tag", "vip").status == 0)
        var card = try h.json(ShownClient.self, "client", "show", client)
        #expect(card.name == "Kim Minji")
        #expect(card.phones == ["+821011112222"])
        #expect(card.birthDate == "1987-03-15")
        #expect(card.tags == ["new"])
        #expect(card.customFields == ["dog_name": "Bori"])
        try h.crm("client", "dormant", client)
        #expect(try h.json(ShownClient.self, "client", "show", client).status == "dormant")
        try h.crm("client", "wake", client)
        #expect(try h.json(ShownClient.self, "client", "show", client).status == "new")
        try h.crm("client", "archive", client, "--reason", "moved to another city")
        #expect(try h.json([ListedClient].self, "client", "list").isEmpty)
        #expect(try h.json([ListedClient].self, "client", "list", "--archived").map(\.status) == ["archived"])
        try h.crm("client", "unarchive", client)
        card = try h.json(ShownClient.self, "client", "show", client)
        #expect(card.status == "new")
        #expect(try h.crm("client", "delete", client).status == 0)
        let gone = try h.crm("client", "show", client)
        #expect(gone.status != 0)
        #expect(gone.stderr.contains("not found or not permitted"))
    }

    @Test func clientListSearchesFiltersAndLimits() throws {
        let h = try CRMHarness()
        let anna = try h.create("client", "add", "--name", "Анна Петрова", "--phone", "+7 912 345 67 89")
        let kim = try h.create("client", "add", "--name", "Kim Minji", "--email", "minji@example.com", "--tag", "vip")
        _ = try h.create("client", "add", "--name", "Lee Seojun")
        _ = try h.create("schedule", "add", kim, "--start", "2026-11-23T10:00Z", "--end", "2026-11-23T11:00Z")
        #expect(try h.json([ListedClient].self, "client", "list", "--search", "петрова").map(\.id) == [anna])
        #expect(try h.json([ListedClient].self, "client", "list", "--search", "912-345").map(\.id) == [anna])
        #expect(try h.json([ListedClient].self, "client", "list", "--search", "MINJI@").map(\.id) == [kim])
        #expect(try h.json([ListedClient].self, "client", "list", "--status", "in_progress").map(\.id) == [kim])
        #expect(try h.json([ListedClient].self, "client", "list", "--tag", "vip").map(\.id) == [kim])
        #expect(try h.json([ListedClient].self, "client", "list").count == 3)
        #expect(try h.json([ListedClient].self, "client", "list", "--limit", "2").count == 2)
    }

    @Test func memoCommandsAddEditAndDelete() throws {
        let h = try CRMHarness()
        let client = try h.create("client", "add", "--name", "Kim")
        let memo = try h.create("memo", "add", client, "--text", "draft")
        try h.crm("memo", "edit", memo, "--text", "final text", "--type", "call")
        var card = try h.json(ShownClient.self, "client", "show", client)
        #expect(card.memos.map(\.text) == ["final text"])
        #expect(card.memos.map(\.type) == ["call"])
        try h.crm("memo", "delete", memo)
        card = try h.json(ShownClient.self, "client", "show", client)
        #expect(card.memos.isEmpty)
    }

    @Test func scheduleCommandsEditCancelDeleteAndJournal() throws {
        let h = try CRMHarness()
        let staff = try h.create("staff", "add", "--name", "Counsellor Park", "--role", "manager", "--team", "sales")
        let client = try h.create("client", "add", "--name", "Kim")
        let schedule = try h.create("schedule", "add", client, "--start", "2026-11-23T10:00Z", "--end", "2026-11-23T11:00Z", "--staff", staff)
        try h.crm("schedule", "edit", schedule, "--start", "2026-11-23T19:30+09:00", "--room", "Room 5")
        var card = try h.json(ShownClient.self, "client", "show", client)
        #expect(card.schedules.first?.start == "2026-11-23T10:30:00Z")
        #expect(card.schedules.first?.room == "Room 5")
        _ = try h.create("journal", "write", schedule, "--text", "Session went well.")
        try h.crm("schedule", "cancel", schedule)
        card = try h.json(ShownClient.self, "client", "show", client)
        #expect(card.schedules.first?.state == "cancelled")
        #expect(card.schedules.first?.journal == "Session went well.")
        #expect(card.status == "new")
        try h.crm("schedule", "delete", schedule)
        #expect(try h.json(ShownClient.self, "client", "show", client).schedules.isEmpty)
    }

    @Test func assignTasksStatusConflictsAndRejectedPrintContractJSON() throws {
        let h = try CRMHarness()
        let branch = try h.create("branch", "add", "--name", "Gangnam centre")
        let staff = try h.create("staff", "add", "--name", "Manager Choi", "--role", "manager", "--branch", branch)
        let client = try h.create("client", "add", "--name", "Kim", "--branch", branch)
        try h.crm("assign", client, "--to", staff)
        #expect(try h.json([ListedClient].self, "client", "list").first?.assignee == staff)
        let task = try h.create("task", "add", "--title", "Call back about the package", "--assignee", staff, "--due", "2026-11-30", "--client", client)
        let tasks = try h.json([TaskLine].self, "tasks")
        #expect(tasks.map(\.id) == [task])
        #expect(tasks.first?.clientId == client)
        #expect(tasks.first?.assignee == staff)
        #expect(tasks.first?.due == "2026-11-30")
        try h.crm("task", "done", task)
        #expect(try h.json([TaskLine].self, "tasks").isEmpty)
        #expect(try h.json([TaskLine].self, "tasks", "--all").map(\.done) == [true])
        let status = try CommandRunner.run("crm", ["status", "--replica", h.replica, "--json"])
        let object = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any]
        #expect(object?["pending"] as? Int == 6)  // branch, staff, client, assignment, task, task done
        #expect(object?.keys.contains("lastSync") == true)
        #expect(object?["lastSync"] is NSNull)
        #expect(try h.json([[String: String]].self, "conflicts").isEmpty)
        #expect(try h.json([[String: String]].self, "rejected").isEmpty)
    }

    @Test func replicaComesFromTheEnvironmentWhenNoOptionIsGiven() throws {
        let h = try CRMHarness()
        let result = try CommandRunner.run("crm", ["client", "add", "--name", "Kim", "--json"], environment: ["CRM_REPLICA": h.replica])
        #expect(result.status == 0)
        #expect(try h.json([ListedClient].self, "client", "list").map(\.name) == ["Kim"])
    }
}
