import CRMModel
import CRMTestSupport
import Foundation
import SyncCore
import Testing

/// A seeded fuzzer for the push decoder (issue 12, finding 5): mutated, truncated and
/// deeply nested bodies never crash it, never make it recurse without bound, and never
/// make it hold much memory. Replay a failure with `CRM_SEED=<seed>`.
@Suite("Push decoder under fuzzing: no crash, bounded depth and memory")
struct PushDecoderFuzzTests {
    /// Inputs per run; `CRM_FUZZ_INPUTS` raises it.
    private var inputs: Int { Int(ProcessInfo.processInfo.environment["CRM_FUZZ_INPUTS"] ?? "") ?? 20_000 }

    private static let seeds: [String] = [
        #"{"site":"0192f0c1-7b2a-7c3d-8e4f-0123456789ab","changes":[{"seq":1,"hlc":117637120926416896,"e":"client","r":"0192f0c1-7b2a-7c3d-8e4f-0123456789ac","f":{"name":"Kim Minji","phones":"[\"+821012345678\"]","dormant":0}}]}"#,
        #"{"site":"s","changes":[{"seq":3,"hlc":5,"e":"memo","r":"m","f":{"text":"상담 \"quoted\" \u00e9"},"b":{"text":"old"}},{"seq":4,"hlc":6,"e":"memo","r":"m","d":1,"x":{"y":[1,2.5e3,true,null]}}]}"#,
    ]

    /// The deepest a body may nest before the decoder stops following it.
    @Test func aBodyNestedFortyThousandDeepInAnUnknownKeyIsDeclinedWithoutRecursingThatDeep() {
        let deep = String(repeating: "[", count: 40_000) + String(repeating: "]", count: 40_000)
        for body in [#"{"site":"s","x":\#(deep),"changes":[]}"#, #"{"site":"s","changes":[{"seq":1,"hlc":1,"e":"c","r":"x","u":\#(deep)}]}"#] {
            #expect(FastPushDecoder.decode(Array(body.utf8)) == nil)
            #expect(JSONDepth.measure(Array(body.utf8)) > JSONDepth.limit)
        }
        #expect(JSONDepth.measure(Array(Self.seeds[0].utf8)) == 4)
        #expect(JSONDepth.measure(Array(#"{"a":"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}"#.utf8)) == 1, "brackets in strings count")
    }

    @Test func mutatedBodiesNeverCrashTheDecoderNorGrowItsMemory() {
        let seed = TestSeed.current()
        var random = SplitMix64(seed: seed)
        let before = peakResidentMiB()
        var decoded = 0
        for _ in 0..<inputs {
            var bytes = Array(Self.seeds[Int(random.next() % UInt64(Self.seeds.count))].utf8)
            for _ in 0..<(1 + Int(random.next() % 4)) { mutate(&bytes, &random) }
            if FastPushDecoder.decode(bytes) != nil { decoded += 1 }
            // What the route does when the fast path steps aside: measure, then decode.
            if JSONDepth.measure(bytes) <= JSONDepth.limit {
                _ = try? JSONDecoder().decode(PushRequest.self, from: Data(bytes))
            }
        }
        let grown = peakResidentMiB() - before
        #expect(grown < 256, "seed \(seed): peak memory grew \(grown) MiB over \(inputs) inputs")
        #expect(decoded > 0, "seed \(seed): no mutated body decoded at all: the mutations are too destructive to test anything")
    }

    /// One random mutation: flip a byte, cut, duplicate a slice, nest deeply, or splice in
    /// a long run of digits, quotes or backslashes.
    private func mutate(_ bytes: inout [UInt8], _ random: inout SplitMix64) {
        guard !bytes.isEmpty else { bytes = Array("{".utf8); return }
        let at = Int(random.next() % UInt64(bytes.count))
        switch random.next() % 7 {
        case 0: bytes[at] = UInt8(truncatingIfNeeded: random.next())
        case 1: bytes.removeSubrange(at..<min(bytes.count, at + 1 + Int(random.next() % 16)))
        case 2: bytes = Array(bytes.prefix(at))
        case 3:
            let end = min(bytes.count, at + 1 + Int(random.next() % 64))
            bytes.insert(contentsOf: bytes[at..<end], at: at)
        case 4:
            let depth = 1 + Int(random.next() % 5_000)
            bytes.insert(contentsOf: Array(repeating: UInt8(ascii: random.next() % 2 == 0 ? "[" : "{"), count: depth), at: at)
        case 5:
            let run = Array(repeating: Array("9\"\\{".utf8)[Int(random.next() % 4)], count: 1 + Int(random.next() % 10_000))
            bytes.insert(contentsOf: run, at: at)
        default:
            bytes.insert(contentsOf: Array(#","zz":{"a":[[[1]]]}"#.utf8), at: at)
        }
    }

    private func peakResidentMiB() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss / 1024
    }
}
