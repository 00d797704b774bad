import CRMModel
import LocalReplica
import SyncCore

/// Replicas with a manual clock and seeded ids, so every run writes the same rows.
public enum ReplicaFixtures {
    /// A configuration with a manual clock and reproducible ids.
    public static func configuration(clock: ManualClock = ManualClock(), seed: UInt64 = 1) -> ReplicaConfiguration {
        ReplicaConfiguration(clock: clock, ids: UUIDv7Generator(now: { clock.nowMillis() }, seed: seed))
    }

    /// Creates a replica in `directory` with a manual clock.
    public static func make(in directory: TemporaryDirectory, name: String = "office.crm", clock: ManualClock = ManualClock(), seed: UInt64 = 1) throws -> Replica {
        try Replica.create(at: directory.file(name), configuration: configuration(clock: clock, seed: seed))
    }
}
