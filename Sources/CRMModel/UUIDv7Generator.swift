import Foundation
import Synchronization

/// Makes identifiers. Injected wherever ids are created, so tests get reproducible ids.
public protocol IDGenerator: Sendable {
    /// Returns a new identifier, distinct from every earlier one of this generator.
    func next() -> UUID
}

extension IDGenerator {
    /// Returns a new typed identifier.
    public func next<Entity>(_: Entity.Type = Entity.self) -> EntityID<Entity> {
        EntityID(next())
    }
}

/// RFC 9562 UUIDv7: 48 bits of Unix milliseconds, then a 12-bit counter that keeps ids
/// made within one millisecond (or after the wall clock stepped back) strictly increasing,
/// then 62 random bits.
///
/// ```swift
/// let ids = UUIDv7Generator()                       // system clock, system randomness
/// let fixed = UUIDv7Generator(now: { 1_700_000_000_000 }, seed: 42)   // reproducible
/// ```
public final class UUIDv7Generator: IDGenerator {
    private struct State {
        var lastMillis: Int64 = 0
        var counter: UInt16 = 0
        var random: SplitMix64?
    }

    private let now: @Sendable () -> Int64
    private let state: Mutex<State>

    /// Creates a generator.
    /// - Parameters:
    ///   - now: Unix time in milliseconds; the system clock by default.
    ///   - seed: a seed for reproducible random bits; system randomness when `nil`.
    public init(now: @escaping @Sendable () -> Int64 = UUIDv7Generator.systemMillis, seed: UInt64? = nil) {
        self.now = now
        self.state = Mutex(State(random: seed.map(SplitMix64.init(seed:))))
    }

    /// Unix time in milliseconds from the system clock.
    @Sendable public static func systemMillis() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
    }

    public func next() -> UUID {
        let wall = now()
        let (millis, counter, randomBits) = state.withLock { state -> (Int64, UInt16, UInt64) in
            if wall > state.lastMillis {
                state.lastMillis = wall
                state.counter = 0
            } else if state.counter < 0x0FFF {
                state.counter += 1
            } else {
                state.lastMillis += 1
                state.counter = 0
            }
            let bits: UInt64
            if state.random != nil {
                bits = state.random!.next()
            } else {
                bits = UInt64.random(in: .min ... .max)
            }
            return (state.lastMillis, state.counter, bits)
        }
        var bytes = [UInt8](repeating: 0, count: 16)
        let ms = UInt64(bitPattern: millis)
        for index in 0..<6 { bytes[index] = UInt8(truncatingIfNeeded: ms >> (8 * (5 - index))) }
        bytes[6] = 0x70 | UInt8(truncatingIfNeeded: counter >> 8)
        bytes[7] = UInt8(truncatingIfNeeded: counter)
        bytes[8] = 0x80 | UInt8(truncatingIfNeeded: randomBits >> 56) & 0x3F
        for index in 9..<16 { bytes[index] = UInt8(truncatingIfNeeded: randomBits >> (8 * (15 - index))) }
        return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                           bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }
}

/// A small, fast, seedable generator (Vigna's SplitMix64) for reproducible ids and
/// reproducible randomised tests.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// Creates a generator whose output is a function of `seed` alone.
    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
