import SyncCore

/// A replica operation could not be done. The message names the file, the entity and the
/// id involved, never a field's value.
public struct ReplicaError: Error, Equatable, Sendable, CustomStringConvertible {
    /// How a caller can recover. A struct over names, so codes can grow.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The machine-readable name.
        public let name: String
        init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The row does not exist on this replica, or this replica may not see it.
        public static let notFound = Code("not_found")
        /// The file is missing or is not a replica.
        public static let notAReplica = Code("not_a_replica")
        /// A replica already exists where one was to be created.
        public static let alreadyExists = Code("already_exists")
        /// The write conflicts with a rule of the stored data (e.g. a second journal).
        public static let constraint = Code("constraint")
        /// This replica's user may not make this change (the server would refuse it too).
        public static let forbidden = Code("forbidden")
    }

    /// What went wrong.
    public let code: Code
    /// One line for people, naming what was wrong.
    public let message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    /// `client 0192…: not found or not permitted on this replica`.
    public static func notFound(_ entity: EntityKind, _ id: String) -> ReplicaError {
        ReplicaError(.notFound, "\(entity.name.replacingOccurrences(of: "_", with: " ")) \(id): not found or not permitted on this replica")
    }
}
