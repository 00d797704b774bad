import CRMModel
import CRMTestSupport
import Foundation
import LocalReplica
import SyncCore
import SyncEngine
import Testing

/// A push's read-back and the pull run on two threads of the daemon. A read-back reply
/// taken at log position P can arrive after the pull has applied entries past P for the
/// same row; found by the fault suite as replicas in step with the server yet different.
@Suite("Read-back racing the pull", .serialized)
struct ReadBackRaceTests {
    @Test func readBackOlderThanThePulledLogIsOverwrittenByTheEntriesAfterIt() throws {
        let fixture = try SyncFixture()
        let late = try fixture.replica("late")
        let editor = try fixture.replica("editor")
        let client = try editor.write { try $0.addClient(NewClient(name: "First")) }
        try fixture.sync(editor)
        let asOf = try #require(try editor.syncSettings()?.pullCursor)
        try editor.write { try $0.editClient(client, ClientEdit(name: "Second")) }
        try fixture.sync(editor, late)
        #expect(try late.client(client).name == "Second")
        // The read-back of a push, taken when the server held "First", arrives only now.
        let stale = RowsResponse(rows: [.init(e: "client", r: client.description, exists: true, f: ["name": .text("First")])], position: asOf)
        try late.applyServerRows(stale)
        try fixture.sync(late)
        #expect(try late.client(client).name == "Second")
        #expect(try SQLDiff.diff(late.path, editor.path) == "")
    }

    @Test func pageRequestedBeforeARewindIsNotApplied() throws {
        let fixture = try SyncFixture()
        let replica = try fixture.replica("kim")
        let cursor = try #require(try replica.syncSettings()?.pullCursor)
        try replica.applyServerRows(RowsResponse(rows: [], position: cursor - 1))
        let applied = try replica.applyPulled([], after: cursor, next: cursor + 5, now: Timestamp(unixMillis: 0))
        #expect(!applied)
        #expect(try replica.syncSettings()?.pullCursor == cursor - 1)
    }
}
