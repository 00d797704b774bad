import CRMModel
import CRMTestSupport
import Foundation
import LocalReplica
import SyncEngine
import Testing

@Suite("Tags: an add wins over a concurrent remove (observed-remove set)", .serialized)
struct TagTests {
    @Test func tagAddedAtOneOfficeSurvivesItsConcurrentRemovalAtAnother() throws {
        let fixture = try SyncFixture()
        let a = try fixture.replica("kim")
        let b = try fixture.replica("lee")
        let client = try a.write { try $0.addClient(NewClient(name: "Kim Minji", tags: ["vip"])) }
        try fixture.sync(a, b)
        // A removes the tag it sees; B, offline, removes it too and then adds it again.
        try a.write { try $0.removeTag("vip", from: client) }
        try b.write { try $0.removeTag("vip", from: client) }
        try b.write { try $0.addTag("vip", to: client) }
        try fixture.sync(a, b, a)
        #expect(try a.client(client).tags == ["vip"])
        #expect(try SQLDiff.diff(a.path, b.path) == "")
    }

    @Test func tagRemovedWithNoConcurrentAddIsGoneEverywhere() throws {
        let fixture = try SyncFixture()
        let a = try fixture.replica("kim")
        let b = try fixture.replica("lee")
        let client = try a.write { try $0.addClient(NewClient(name: "Kim Minji", tags: ["vip", "new"])) }
        try fixture.sync(a, b)
        try a.write { try $0.removeTag("vip", from: client) }
        try b.write { try $0.addTag("family", to: client) }
        try fixture.sync(a, b, a)
        #expect(try a.client(client).tags == ["family", "new"])
        #expect(try SQLDiff.diff(a.path, b.path) == "")
    }
}
