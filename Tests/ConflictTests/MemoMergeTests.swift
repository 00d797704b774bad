import CRMModel
import CRMTestSupport
import Foundation
import LocalReplica
import SyncEngine
import Testing

@Suite("Memo text: concurrent edits merge against their common ancestor", .serialized)
struct MemoMergeTests {
    @Test func memoEditsInDifferentPlacesBothSurvive() throws {
        let fixture = try SyncFixture()
        let a = try fixture.replica("kim")
        let b = try fixture.replica("lee")
        let client = try a.write { try $0.addClient(NewClient(name: "Kim Minji")) }
        let memo = try a.write { try $0.addMemo(to: client, text: "Call Monday about the package") }
        try fixture.sync(a, b)
        try a.write { try $0.editMemo(memo, text: "Call Tuesday about the package") }
        try b.write { try $0.editMemo(memo, text: "Call Monday about the new package") }
        try fixture.sync(a, b, a)
        #expect(try a.client(client).memos.map(\.text) == ["Call Tuesday about the new package"])
        #expect(try SQLDiff.diff(a.path, b.path) == "")
    }

    @Test func overlappingMemoEditsKeepBothVersionsWhateverTheSyncOrder() throws {
        for order in [0, 1] {
            let fixture = try SyncFixture()
            let a = try fixture.replica("kim")
            let b = try fixture.replica("lee")
            let client = try a.write { try $0.addClient(NewClient(name: "Kim Minji")) }
            let memo = try a.write { try $0.addMemo(to: client, text: "Prefers mornings.") }
            try fixture.sync(a, b)
            try a.write { try $0.editMemo(memo, text: "Prefers evenings.") }
            Thread.sleep(forTimeInterval: 0.005)
            try b.write { try $0.editMemo(memo, text: "Prefers weekends.") }
            if order == 0 { try fixture.sync(a, b, a) } else { try fixture.sync(b, a, b) }
            // The earlier edit first, whichever office synced first.
            #expect(try a.client(client).memos.map(\.text) == ["Prefers evenings / weekends."], "order \(order)")
            #expect(try SQLDiff.diff(a.path, b.path) == "", "order \(order)")
        }
    }

    @Test func mergeLongerThanAThousandCharactersIsKeptWhole() throws {
        let fixture = try SyncFixture()
        let a = try fixture.replica("kim")
        let b = try fixture.replica("lee")
        let client = try a.write { try $0.addClient(NewClient(name: "Kim Minji")) }
        let base = String(repeating: "note ", count: 180)
        let memo = try a.write { try $0.addMemo(to: client, text: base) }
        try fixture.sync(a, b)
        try a.write { try $0.editMemo(memo, text: String(repeating: "A", count: 90) + " " + base) }
        try b.write { try $0.editMemo(memo, text: base + String(repeating: "B", count: 90)) }
        try fixture.sync(a, b, a)
        let text = try #require(try a.client(client).memos.first?.text)
        #expect(text.count > 1_000)
        #expect(text.hasPrefix(String(repeating: "A", count: 90)))
        #expect(text.hasSuffix(String(repeating: "B", count: 90)))
        #expect(try SQLDiff.diff(a.path, b.path) == "")
    }
}
