import CRMModel

/// A hybrid logical clock timestamp: wall-clock milliseconds plus a counter that orders
/// events within one millisecond, or after the wall clock stepped back.
///
/// Packed into one signed 64-bit integer (`millis << 16 | counter`) so that SQLite
/// orders timestamps as integers and a report script can read the time back with
/// `hlc >> 16`.
public struct HLCTimestamp: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// Milliseconds since the Unix epoch, as the clock believed them.
    public let millis: Int64
    /// Orders events that share `millis`.
    public let counter: UInt16

    /// The zero timestamp, before every real one.
    public static let zero = HLCTimestamp(millis: 0, counter: 0)

    /// Creates a timestamp.
    public init(millis: Int64, counter: UInt16) {
        self.millis = millis
        self.counter = counter
    }

    /// Unpacks the integer form.
    public init(packed: Int64) {
        millis = packed >> 16
        counter = UInt16(truncatingIfNeeded: packed & 0xFFFF)
    }

    /// `millis << 16 | counter`, ordered like the timestamps themselves.
    public var packed: Int64 { millis << 16 | Int64(counter) }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.packed < rhs.packed }

    /// The wall time and counter, e.g. `2026-11-22T15:00:00.123Z#3`.
    public var description: String { "\(Timestamp(unixMillis: millis))#\(counter)" }

    public init(from decoder: any Decoder) throws {
        self.init(packed: try decoder.singleValueContainer().decode(Int64.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(packed)
    }
}

/// A source of wall-clock time in Unix milliseconds. Injected so tests can move time,
/// including backwards.
public protocol WallClock: Sendable {
    /// The current time in Unix milliseconds.
    func nowMillis() -> Int64
}

/// The machine's clock.
public struct SystemWallClock: WallClock {
    /// Creates the system clock.
    public init() {}
    public func nowMillis() -> Int64 { UUIDv7Generator.systemMillis() }
}

/// The hybrid logical clock of one site (Kulkarni et al., 2014).
///
/// Every timestamp it issues is greater than every timestamp it issued or observed before,
/// whatever the wall clock does: when the wall clock goes back, the clock keeps its last
/// physical time and advances the counter. `offsetMillis` is the learned difference to
/// the server's clock, added to the wall clock before use, so that a workstation with a
/// wrong clock stamps close to server time.
public struct HybridLogicalClock: Sendable, Equatable {
    /// The greatest timestamp issued or observed so far.
    public private(set) var last: HLCTimestamp
    /// Added to the wall clock before stamping (server time minus local time).
    public var offsetMillis: Int64

    /// Creates a clock that resumes after `last` (persisted by the replica).
    public init(last: HLCTimestamp = .zero, offsetMillis: Int64 = 0) {
        self.last = last
        self.offsetMillis = offsetMillis
    }

    /// Issues a timestamp for a local event.
    public mutating func tick(wallMillis: Int64) -> HLCTimestamp {
        advance(past: last, wallMillis: wallMillis)
    }

    /// Takes note of a timestamp from another site, so later local events order after it.
    @discardableResult
    public mutating func observe(_ remote: HLCTimestamp, wallMillis: Int64) -> HLCTimestamp {
        advance(past: max(last, remote), wallMillis: wallMillis)
    }

    private mutating func advance(past floor: HLCTimestamp, wallMillis: Int64) -> HLCTimestamp {
        let physical = wallMillis &+ offsetMillis
        let next: HLCTimestamp
        if physical > floor.millis {
            next = HLCTimestamp(millis: physical, counter: 0)
        } else if floor.counter < UInt16.max {
            next = HLCTimestamp(millis: floor.millis, counter: floor.counter + 1)
        } else {
            // The counter is spent: borrow the next millisecond rather than repeat.
            next = HLCTimestamp(millis: floor.millis + 1, counter: 0)
        }
        last = next
        return next
    }
}
