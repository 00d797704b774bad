import CRMModel
import CRMTestSupport
import LocalReplica
import SyncCore
import Testing

@Suite("The replica's clock")
struct ReplicaClockTests {
    @Test func outboxTimestampsStayMonotonicWhenTheWallClockJumpsBack() throws {
        let directory = try TemporaryDirectory()
        let clock = ManualClock(1_795_000_000_000)
        let replica = try ReplicaFixtures.make(in: directory, clock: clock)
        for jump: Int64 in [0, -3_600_000, 0, -86_400_000, 1, 5_000] {
            clock.advance(by: jump)
            _ = try replica.write { try $0.addClient(NewClient(name: "Client")) }
        }
        let stamps = try replica.pendingChanges().map(\.hlc)
        #expect(stamps.count == 6)
        #expect(zip(stamps, stamps.dropFirst()).allSatisfy { $0 < $1 })
    }

    @Test func reopenedReplicaResumesAfterItsLastTimestamp() throws {
        let directory = try TemporaryDirectory()
        let clock = ManualClock(1_795_000_000_000)
        let path: String
        do {
            let replica = try ReplicaFixtures.make(in: directory, clock: clock)
            path = replica.path
            _ = try replica.write { try $0.addClient(NewClient(name: "Before")) }
        }
        clock.advance(by: -600_000)
        let reopened = try Replica.open(at: path, configuration: ReplicaFixtures.configuration(clock: clock, seed: 2))
        _ = try reopened.write { try $0.addClient(NewClient(name: "After")) }
        let stamps = try reopened.pendingChanges().map(\.hlc)
        #expect(stamps[1] > stamps[0])
        #expect(try reopened.pendingChanges().map(\.seq) == [1, 2])
    }

    @Test func allChangesOfOneTransactionShareItsTimestamp() throws {
        let directory = try TemporaryDirectory()
        let replica = try ReplicaFixtures.make(in: directory)
        _ = try replica.write { writer in
            let client = try writer.addClient(NewClient(name: "Kim"))
            _ = try writer.addMemo(to: client, text: "one")
        }
        #expect(Set(try replica.pendingChanges().map(\.hlc)).count == 1)
    }
}
