import CRMModel
import CRMTestSupport
import GRDB
import LocalReplica
import SyncCore
import Testing

@Suite("The trigram search index and the folded-name index")
struct SearchIndexTests {
    @Test func threeCharactersOrMoreMatchAnywhereInKoreanCyrillicAndLatinNames() throws {
        let directory = try TemporaryDirectory()
        let replica = try ReplicaFixtures.make(in: directory)
        let korean = try replica.write { try $0.addClient(NewClient(name: "박 김민지")) }
        let russian = try replica.write { try $0.addClient(NewClient(name: "Смирнова Анна Петровна")) }
        let latin = try replica.write { try $0.addClient(NewClient(name: "O'Brien Seojun")) }
        #expect(try ids(replica, "김민지") == [korean.description])
        #expect(try ids(replica, "АННА ПЕТ") == [russian.description])
        #expect(try ids(replica, "rien se") == [latin.description])
        #expect(try ids(replica, "o'b") == [latin.description])
        #expect(try ids(replica, "민지x").isEmpty)
    }

    @Test func oneOrTwoCharactersMatchTheStartOfANameInAnyCase() throws {
        let directory = try TemporaryDirectory()
        let replica = try ReplicaFixtures.make(in: directory)
        let kim = try replica.write { try $0.addClient(NewClient(name: "김민지")) }
        let olga = try replica.write { try $0.addClient(NewClient(name: "Ольга")) }
        _ = try replica.write { try $0.addClient(NewClient(name: "Park Minji")) }
        #expect(try ids(replica, "김민") == [kim.description])
        #expect(try ids(replica, "о") == [olga.description])
        #expect(try ids(replica, "ОЛ") == [olga.description])
        #expect(try ids(replica, "ль").isEmpty, "two letters inside a name are too short for the trigram index")
        #expect(try ids(replica, "in").isEmpty)
    }

    @Test func aShortSearchListsEveryWayOfWritingTheStartInNameOrderPageByPage() throws {
        let directory = try TemporaryDirectory()
        let replica = try ReplicaFixtures.make(in: directory)
        let names = ["Иванов", "ИВАНОВА", "иванов-младший", "Ивлева", "Игорь", "ivan", "Ivy", "Борис"]
        try replica.write { writer in for name in names { _ = try writer.addClient(NewClient(name: name)) } }
        let all = try replica.clients(ClientQuery(search: "ив")).map(\.name)
        #expect(all == ["ИВАНОВА", "Иванов", "Ивлева", "иванов-младший"], "\(all)")
        var paged: [String] = []
        for page in 0..<3 { paged += try replica.clients(ClientQuery(search: "ив", limit: 2, offset: page * 2)).map(\.name) }
        #expect(paged == all)
        #expect(try replica.clientCount(ClientQuery(search: "ив")) == 4)
        #expect(try replica.clients(ClientQuery(search: "IV")).map(\.name) == ["ivan", "Ivy"])
        #expect(try Set(replica.clients(ClientQuery(search: "ив", sort: .newest)).map(\.name)) == Set(all))
    }

    @Test func twoHangulSyllablesOrHanCharactersMatchAnywhereInAName() throws {
        let directory = try TemporaryDirectory()
        let replica = try ReplicaFixtures.make(in: directory)
        let kim = try replica.write { try $0.addClient(NewClient(name: "김민지")) }
        let park = try replica.write { try $0.addClient(NewClient(name: "박 민지")) }
        let wang = try replica.write { try $0.addClient(NewClient(name: "王小明")) }
        _ = try replica.write { try $0.addClient(NewClient(name: "민 지우")) }
        #expect(try Set(ids(replica, "민지")) == [kim.description, park.description], "not across the space in 민 지우")
        #expect(try ids(replica, "小明") == [wang.description])
        try replica.write { try $0.editClient(kim, ClientEdit(name: "김서준")) }
        #expect(try ids(replica, "민지") == [park.description])
        #expect(try ids(replica, "서준") == [kim.description])
        #expect(try replica.searchIndexIsInStep())
    }

    @Test func aFullPhoneNumberIsNarrowedByItsLastDigitsAndThenMatchedWhole() throws {
        let directory = try TemporaryDirectory()
        var configuration = ReplicaFixtures.configuration()
        configuration.phoneRegion = .korea
        let replica = try Replica.create(at: directory.file("office.crm"), configuration: configuration)
        let first = try replica.write { try $0.addClient(NewClient(name: "First", phones: ["+82 10 1555 6666"])) }
        let second = try replica.write { try $0.addClient(NewClient(name: "Second", phones: ["+82 10 2555 6666"])) }
        #expect(try ids(replica, "010-1555-6666") == [first.description], "same last seven digits, other number")
        #expect(try ids(replica, "+82 10 2555 6666") == [second.description])
        #expect(try Set(ids(replica, "555-6666")) == [first.description, second.description])
    }

    @Test func queryCharactersInWhatWasTypedAreSearchedForLiterally() throws {
        let directory = try TemporaryDirectory()
        let replica = try ReplicaFixtures.make(in: directory)
        let odd = try replica.write { try $0.addClient(NewClient(name: "Kim \"Q\" OR NEAR(x*)")) }
        for text in ["\"Q\"", "OR NEAR(", "x*)", "\" OR", "AND", "NOT x"] {
            #expect(try ids(replica, text) == (text == "AND" || text == "NOT x" ? [] : [odd.description]), "search \(text)")
        }
    }

    @Test func theIndexFollowsRenamesContactEditsAndDeletions() throws {
        let directory = try TemporaryDirectory()
        let replica = try ReplicaFixtures.make(in: directory)
        let client = try replica.write { try $0.addClient(NewClient(name: "Lee Hana", emails: ["hana@old.example"])) }
        try replica.write { try $0.editClient(client, ClientEdit(name: "Lee Hayoon", emails: ["hayoon@new.example"], birthDate: "2001-02-03")) }
        #expect(try ids(replica, "hana").isEmpty)
        #expect(try ids(replica, "old.ex").isEmpty)
        #expect(try ids(replica, "hayoon") == [client.description])
        #expect(try ids(replica, "new.ex") == [client.description])
        try replica.write { try $0.deleteClient(client) }
        #expect(try ids(replica, "hayoon").isEmpty)
        #expect(try replica.searchIndexIsInStep())
    }

    @Test func seededEditsLeaveTheIndexInStepWithTheCards() throws {
        let seed = TestSeed.current()
        var random = SplitMix64(seed: seed)
        let directory = try TemporaryDirectory()
        let replica = try ReplicaFixtures.make(in: directory)
        let names = ["김민지", "Анна", "Olga", "Сергей", "박서준", "Hana"]
        var clients: [ClientID] = []
        for _ in 0..<300 {
            let name = names[Int(random.next() % 6)] + " \(random.next() % 100)"
            switch random.next() % 4 {
            case 0 where !clients.isEmpty:
                try replica.write { try $0.deleteClient(clients.remove(at: Int(random.next() % UInt64(clients.count)))) }
            case 1 where !clients.isEmpty:
                let id = clients[Int(random.next() % UInt64(clients.count))]
                try replica.write { try $0.editClient(id, ClientEdit(name: name, phones: ["+82 10 \(1000 + random.next() % 9000) 1234"])) }
            default:
                clients.append(try replica.write { try $0.addClient(NewClient(name: name, emails: ["c\(random.next() % 1000)@example.com"])) })
            }
        }
        #expect(try replica.searchIndexIsInStep(), "seed \(seed)")
        let all = try replica.clients(ClientQuery(includeArchived: true))
        for client in all.prefix(20) {
            #expect(try ids(replica, client.name).contains(client.id), "seed \(seed): \(client.name)")
        }
    }

    @Test func theIntegrityCheckCatchesAnIndexOutOfStep() throws {
        // Negative control: a card changed behind the triggers' back must be caught.
        let directory = try TemporaryDirectory()
        let replica = try ReplicaFixtures.make(in: directory)
        _ = try replica.write { try $0.addClient(NewClient(name: "Kim Minji")) }
        var configuration = Configuration()
        configuration.prepareDatabase { db in Replica.addFunctions(to: db) }
        let queue = try DatabaseQueue(path: replica.path, configuration: configuration)
        try queue.write { db in
            try db.execute(sql: "DROP TRIGGER client_search_update")
            try db.execute(sql: "UPDATE client SET name = 'Park Seojun'")
        }
        try queue.close()
        #expect(try !replica.searchIndexIsInStep())
    }

    @Test func namesSortInAnyScriptIgnoringCase() throws {
        let directory = try TemporaryDirectory()
        let replica = try ReplicaFixtures.make(in: directory)
        for name in ["ольга", "Anna", "김민지", "bora", "Борис"] { _ = try replica.write { try $0.addClient(NewClient(name: name)) } }
        #expect(try replica.clients().map(\.name) == ["Anna", "bora", "Борис", "ольга", "김민지"])
        #expect(try replica.clientCount(ClientQuery(), upTo: 3) == 3)
        #expect(try replica.clientCount(ClientQuery(search: "о")) == 1, "Cyrillic о")
    }

    @Test func anyProgramCanOpenAndCheckTheFileWithoutCrmsFunctions() throws {
        let directory = try TemporaryDirectory()
        let replica = try ReplicaFixtures.make(in: directory)
        _ = try replica.write { try $0.addClient(NewClient(name: "Kim Minji", emails: ["kim@example.com"])) }
        let plain = try DatabaseQueue(path: replica.path, configuration: { var c = Configuration(); c.readonly = true; return c }())
        #expect(try plain.read { try String.fetchAll($0, sql: "PRAGMA integrity_check") } == ["ok"])
        #expect(try plain.read { try String.fetchAll($0, sql: "SELECT c.name FROM client_search JOIN client c ON c.rowid = client_search.rowid WHERE client_search MATCH '\"min\"'") } == ["Kim Minji"])
    }

    @Test func theSQLFoldIsSwiftsLowercasingForEveryScript() throws {
        var configuration = Configuration()
        configuration.prepareDatabase { db in Replica.addFunctions(to: db) }
        let queue = try DatabaseQueue(configuration: configuration)
        for text in ["Kim Minji", "kim", "O'BRIEN-Smith 42", "", "Смирнова АННА", "김민지 KIM", "ÉCOLE Straße İstanbul", "Ǆemal ΣΊΣΥΦΟΣ"] {
            #expect(try queue.read { try String.fetchOne($0, sql: "SELECT crm_fold(?)", arguments: [text]) } == text.lowercased(), "\(text)")
        }
        #expect(try queue.read { try DatabaseValue.fetchOne($0, sql: "SELECT crm_fold(NULL)") } == .null)
    }

    private func ids(_ replica: Replica, _ text: String) throws -> [String] {
        try replica.clients(ClientQuery(search: text)).map(\.id)
    }
}

@Suite("Cards a pull leaves pending for the search index")
struct PendingSearchTests {
    private func pulled(_ id: String, name: String, phone: String = "+821055550000") -> RowChange {
        RowChange(seq: 1, hlc: HLCTimestamp(millis: 1_000, counter: 0), entity: .client, rowID: id, operation: .set, fields: [
            FieldAssignment("name", .text(name)), FieldAssignment("phones", .text("[\"\(phone)\"]")), FieldAssignment("emails", .text("[]")),
            FieldAssignment("custom_fields", .text("{}")), FieldAssignment("dormant", .integer(0)), FieldAssignment("created_at", .text("2026-11-28T10:00:00.000Z")),
        ])
    }

    @Test func pulledCardsAreFoundBeforeThePullIndexesThemAndRenamesAreNotFoundUnderTheirOldName() throws {
        let directory = try TemporaryDirectory()
        let replica = try ReplicaFixtures.make(in: directory)
        let now = Timestamp(unixMillis: 1_800_000_000_000)
        let ids = (0..<3).map { _ in ClientID(UUIDv7Generator().next()).description }
        try replica.applyPulled([pulled(ids[0], name: "Ким Анна"), pulled(ids[1], name: "Park Seojun")], next: 2, now: now)
        #expect(try replica.clients(ClientQuery(search: "анна")).map(\.id) == [ids[0]], "pending, found by a check of each card")
        try replica.flushSearchIndex()
        try replica.applyPulled([pulled(ids[0], name: "Ким Ольга"), pulled(ids[2], name: "Анна Ли")], after: 2, next: 4, now: now)
        #expect(try replica.clients(ClientQuery(search: "анна")).map(\.id) == [ids[2]], "the index still holds the old name; the check wins")
        #expect(try replica.clients(ClientQuery(search: "ольга")).map(\.id) == [ids[0]])
        #expect(try replica.clientCount(ClientQuery(search: "seojun")) == 1, "indexed and not pending")
        #expect(try replica.searchIndexIsInStep())
        #expect(try replica.clients(ClientQuery(search: "анна")).map(\.id) == [ids[2]])
    }

    @Test func aBroadSearchListsPendingCardsNewestFirstWithTheIndexedOnes() throws {
        let directory = try TemporaryDirectory()
        let replica = try ReplicaFixtures.make(in: directory)
        let now = Timestamp(unixMillis: 1_800_000_000_000)
        try replica.write { writer in for index in 0...Replica.broadSearch { _ = try writer.addClient(NewClient(name: "Kim \(index)")) } }
        let late = ClientID(UUIDv7Generator().next()).description
        try replica.applyPulled([pulled(late, name: "Kim Latest")], next: 1, now: now)
        let page = try replica.clientPage(ClientQuery(search: "kim", limit: 5), countUpTo: 5_000)
        #expect(page.sort == .newest)
        #expect(page.clients.first?.id == late, "\(page.clients.map(\.name))")
        #expect(page.count == Replica.broadSearch + 2)
    }
}
