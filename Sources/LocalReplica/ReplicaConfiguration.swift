import CRMModel
import Logging
import SyncCore

/// How a ``Replica`` behaves. Every default suits a workstation; tests inject the clock
/// and the id generator to make runs reproducible.
public struct ReplicaConfiguration: Sendable {
    /// The wall clock behind the hybrid logical clock. Default: the system clock.
    public var clock: any WallClock
    /// Makes the ids of new rows. Default: UUIDv7 from the system clock.
    public var ids: any IDGenerator
    /// How a national phone number (without a country code) is read. Default: none, so
    /// such a number is refused.
    public var phoneRegion: PhoneNumber.Region?
    /// How long a write waits for another process holding the write lock before it fails.
    /// Default: 30 seconds, so a daemon and a command line share a file without errors.
    public var busyTimeoutSeconds: Double
    /// Where the replica logs. Default: a logger that discards everything.
    public var logger: Logger

    /// Creates a configuration.
    public init(
        clock: any WallClock = SystemWallClock(),
        ids: any IDGenerator = UUIDv7Generator(),
        phoneRegion: PhoneNumber.Region? = nil,
        busyTimeoutSeconds: Double = 30,
        logger: Logger = Logger(label: "crm.replica", factory: { _ in SwiftLogNoOpLogHandler() })
    ) {
        self.clock = clock
        self.ids = ids
        self.phoneRegion = phoneRegion
        self.busyTimeoutSeconds = busyTimeoutSeconds
        self.logger = logger
    }
}
