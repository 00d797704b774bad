import PostgresNIO
import SyncCore

/// The locks a push takes in PostgreSQL, where pushes on different instances (and
/// connections) run at once: READ COMMITTED, with a transaction-scoped advisory lock on
/// each row key it reads and on each staff member, room and class it books, so two pushes
/// that touch the same rows or resources run one after the other, as on the SQLite store,
/// and others run side by side (ADR 0009).
///
/// Keys are hashed into ``buckets`` lock ids: the server's lock table is shared and
/// bounded. A push takes the store-wide lock in shared mode first; one that would need
/// more than ``limit`` buckets runs again holding it exclusively and takes no others.
final class KeyLocks {
    /// The first key of every advisory lock the store takes ('CR').
    static let namespace: Int32 = 0x4352
    /// Lock ids per namespace that row keys are spread over.
    static let buckets: UInt64 = 4096
    /// Buckets one push may lock before it must run alone.
    static let limit = 64

    /// A push needs more buckets than ``limit``: run it again with the exclusive lock.
    struct TooMany: Error {}

    /// Whether this push holds the store-wide lock exclusively.
    let exclusive: Bool
    private var held = Set<Int32>()

    init(exclusive: Bool) {
        self.exclusive = exclusive
    }

    /// Takes the store-wide lock: shared for an ordinary push, exclusive for a large one.
    func begin(_ session: PGSession) throws {
        if exclusive {
            try session.query("SELECT pg_advisory_xact_lock(\(Self.namespace), -1)")
        } else {
            try session.query("SELECT pg_advisory_xact_lock_shared(\(Self.namespace), -1)")
        }
    }

    /// Locks the buckets of `names` not held yet, in ascending order.
    func lock(_ names: some Sequence<String>, _ session: PGSession) throws {
        guard !exclusive else { return }
        let wanted = Set(names.map(Self.bucket)).subtracting(held)
        guard !wanted.isEmpty else { return }
        guard held.count + wanted.count <= Self.limit else { throw TooMany() }
        let ordered = wanted.sorted()
        try session.query("SELECT pg_advisory_xact_lock(\(Self.namespace), b) FROM (SELECT b FROM unnest(\(ordered)::int4[]) AS b ORDER BY b OFFSET 0) AS s")
        held.formUnion(wanted)
    }

    /// The lock id of a name: FNV-1a, the same on every instance (Swift's own hashing is
    /// seeded per process).
    static func bucket(_ name: String) -> Int32 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in name.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        return Int32(hash % buckets)
    }

    /// The lock name of a row key.
    static func name(_ key: RowKey) -> String { "\(key.entity)/\(key.id)" }
}

