import CRMTestSupport
import Foundation
import GRDB
import Testing

/// Each case: a command that must fail, and what its one-line error must name.
struct BadInput: CustomTestStringConvertible, Sendable {
    let name: String
    let arguments: @Sendable (_ client: String, _ schedule: String, _ memo: String) -> [String]
    let mentions: String
    var testDescription: String { name }
}

@Suite("Bad input: non-zero exit, a message naming the problem, the replica unchanged")
struct BadInputTests {
    static let unknownID = "0192f0c1-7b2a-7c3d-8e4f-0123456789ab"

    static let cases: [BadInput] = [
        BadInput(name: "a name with an ANSI escape", arguments: { _, _, _ in ["client", "add", "--name", "Kim\u{1B}[2J"] },
                 mentions: "client.name: contains the control character U+001B at position 4"),
        BadInput(name: "a name with a line of its own", arguments: { c, _, _ in ["client", "edit", c, "--name", "Kim\nforged  new  line"] },
                 mentions: "client.name: contains the control character U+000A"),
        BadInput(name: "a memo of one character and 120 KB", arguments: { c, _, _ in ["memo", "add", c, "--text", "a" + String(repeating: "\u{0301}", count: 60_000)] },
                 mentions: "memo.text: 120001 bytes, the limit is 4000 bytes"),
        BadInput(name: "memo of 1,001 characters", arguments: { c, _, _ in ["memo", "add", c, "--text", String(repeating: "가", count: 1_001)] },
                 mentions: "memo.text: 1001 characters, the limit is 1000"),
        BadInput(name: "memo edit of 1,001 characters", arguments: { _, _, m in ["memo", "edit", m, "--text", String(repeating: "a", count: 1_001)] },
                 mentions: "the limit is 1000"),
        BadInput(name: "edit of an unknown memo", arguments: { _, _, _ in ["memo", "edit", unknownID, "--text", "hi"] },
                 mentions: "memo \(unknownID): not found"),
        BadInput(name: "memo for an unknown client", arguments: { _, _, _ in ["memo", "add", unknownID, "--text", "hi"] },
                 mentions: "client \(unknownID): not found"),
        BadInput(name: "show of an unknown client", arguments: { _, _, _ in ["client", "show", unknownID] },
                 mentions: "not found or not permitted"),
        BadInput(name: "malformed client id", arguments: { _, _, _ in ["client", "delete", "client-42"] },
                 mentions: "client id: is not an id"),
        BadInput(name: "malformed start date", arguments: { c, _, _ in ["schedule", "add", c, "--start", "2026-13-01T10:00Z", "--end", "2026-11-23T11:00Z"] },
                 mentions: "--start"),
        BadInput(name: "start without a zone", arguments: { c, _, _ in ["schedule", "add", c, "--start", "2026-11-23T10:00", "--end", "2026-11-23T11:00Z"] },
                 mentions: "--start"),
        BadInput(name: "schedule ending before it starts", arguments: { c, _, _ in ["schedule", "add", c, "--start", "2026-11-23T12:00Z", "--end", "2026-11-23T11:00Z"] },
                 mentions: "schedule.end: must be after schedule.start"),
        BadInput(name: "schedule edit ending before it starts", arguments: { _, s, _ in ["schedule", "edit", s, "--end", "2026-11-22T11:00Z"] },
                 mentions: "schedule.end"),
        BadInput(name: "bad phone", arguments: { _, _, _ in ["client", "add", "--name", "Kim", "--phone", "+82 10 12ab 5678"] },
                 mentions: "phones[0]"),
        BadInput(name: "second phone too short", arguments: { c, _, _ in ["client", "edit", c, "--phone", "+82 10 1234 5678", "--phone", "+1 23"] },
                 mentions: "phones[1]"),
        BadInput(name: "malformed birth date", arguments: { _, _, _ in ["client", "add", "--name", "Kim", "--birth-date", "30.02.1990"] },
                 mentions: "client.birthDate"),
        BadInput(name: "bad e-mail", arguments: { _, _, _ in ["client", "add", "--name", "Kim", "--email", "kim-at-example"] },
                 mentions: "emails[0]"),
        BadInput(name: "empty name", arguments: { _, _, _ in ["client", "add", "--name", "   "] },
                 mentions: "client.name: must not be empty"),
        BadInput(name: "name over its limit", arguments: { _, _, _ in ["client", "add", "--name", String(repeating: "n", count: 201)] },
                 mentions: "the limit is 200"),
        BadInput(name: "unknown custom field", arguments: { _, _, _ in ["client", "add", "--name", "Kim", "--field", "shoe_size=42"] },
                 mentions: "customFields.shoe_size"),
        BadInput(name: "assign to an unknown staff member", arguments: { c, _, _ in ["assign", c, "--to", unknownID] },
                 mentions: "staff user \(unknownID): not found"),
        BadInput(name: "unknown status filter", arguments: { _, _, _ in ["client", "list", "--status", "busy"] },
                 mentions: "--status"),
        BadInput(name: "memo type outside the list", arguments: { c, _, _ in ["memo", "add", c, "--text", "hi", "--type", "email"] },
                 mentions: "--type: must be one of meeting, call"),
        BadInput(name: "archive without a reason", arguments: { c, _, _ in ["client", "archive", c, "--reason", ""] },
                 mentions: "client.archiveReason"),
        BadInput(name: "unknown role", arguments: { _, _, _ in ["staff", "add", "--name", "X", "--role", "boss"] },
                 mentions: "--role: must be one of executive, manager, general"),
        BadInput(name: "money amount of zero", arguments: { c, _, _ in ["money", "add", c, "--kind", "payment", "--amount", "0"] },
                 mentions: "ledger.amount: must be within 1...1000000000000"),
        BadInput(name: "unknown money kind", arguments: { c, _, _ in ["money", "add", c, "--kind", "gift", "--amount", "100"] },
                 mentions: "--kind: must be one of payment, deduction, release, settlement"),
        BadInput(name: "class without capacity", arguments: { _, _, _ in ["class", "add", "--name", "Reading", "--capacity", "0"] },
                 mentions: "class.capacity: must be within 1...10000"),
        BadInput(name: "booking into an unknown class", arguments: { c, _, _ in ["schedule", "add", c, "--start", "2026-11-23T10:00Z", "--end", "2026-11-23T11:00Z", "--class", unknownID] },
                 mentions: "course \(unknownID): not found"),
        BadInput(name: "resolve of an unknown conflict", arguments: { _, _, _ in ["conflicts", "resolve", unknownID] },
                 mentions: "conflict \(unknownID) not found"),
        BadInput(name: "resolve keeping nonsense", arguments: { _, _, _ in ["conflicts", "resolve", unknownID, "--keep", "mine"] },
                 mentions: "--keep: must be one of current, kept, other"),
    ]

    @Test(arguments: cases)
    func refusedCommandNamesTheProblemAndChangesNothing(_ input: BadInput) throws {
        let h = try CRMHarness()
        let client = try h.create("client", "add", "--name", "Kim", "--phone", "+82 10 9999 8888")
        let schedule = try h.create("schedule", "add", client, "--start", "2026-11-23T10:00Z", "--end", "2026-11-23T11:00Z")
        let memo = try h.create("memo", "add", client, "--text", "note")
        let before = try h.dump()
        let result = try CommandRunner.run("crm", input.arguments(client, schedule, memo) + ["--replica", h.replica])
        #expect(result.status != 0)
        #expect(result.stderr.contains(input.mentions), "stderr was: \(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "one line expected, got: \(result.stderr)")
        #expect(try h.dump() == before)
    }

    @Test func missingReplicaOptionIsNamed() throws {
        let result = try CommandRunner.run("crm", ["client", "list"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("--replica"))
    }

    @Test func missingReplicaFileIsNamedAndNotCreated() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("nowhere.crm")
        let result = try CommandRunner.run("crm", ["client", "list", "--replica", path])
        #expect(result.status != 0)
        #expect(result.stderr.contains("no such file"))
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func initRefusesToOverwriteAnExistingReplica() throws {
        let h = try CRMHarness()
        let before = try h.dump()
        let result = try h.crm("init")
        #expect(result.status != 0)
        #expect(result.stderr.contains("already exists"))
        #expect(try h.dump() == before)
    }

    @Test func controlCharactersStoredByAnOlderVersionAreShownNotActedOn() throws {
        let crm = try CRMHarness()
        _ = try crm.create("client", "add", "--name", "Kim Minji")
        let queue = try DatabaseQueue(path: crm.replica)
        try queue.write { db in try db.execute(sql: "UPDATE client SET name = ?", arguments: ["Kim\u{1B}[2J\nforged line"]) }
        try queue.close()
        let listed = try crm.crm("client", "list")
        #expect(listed.status == 0)
        #expect(!listed.stdout.contains("\u{1B}") && listed.stdout.contains("Kim\\u{1b}[2J\\u{a}forged line"), "\(listed.stdout.debugDescription)")
        #expect(listed.stdout.split(separator: "\n").count == 1)
    }
}
