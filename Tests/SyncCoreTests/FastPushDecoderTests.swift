import CRMModel
import CRMTestSupport
import Foundation
import SyncCore
import Testing

@Suite("The server's fast push decoder agrees with JSONDecoder or steps aside")
struct FastPushDecoderTests {
    func both(_ json: String) -> (fast: PushRequest?, slow: PushRequest?) {
        let data = Data(json.utf8)
        return (FastPushDecoder.decode(Array(data)), try? JSONDecoder().decode(PushRequest.self, from: data))
    }

    @Test(arguments: [
        #"{"site":"s","changes":[]}"#,
        #" { "changes" : [ { "seq" : 1 , "hlc" : 2 , "e" : "client" , "r" : "x" , "f" : { "name" : "Kim" , "dormant" : 0 , "birth_date" : null } } ] , "site" : "s" } "#,
        #"{"site":"s","changes":[{"seq":1,"hlc":-5,"e":"memo","r":"m","d":1,"future":{"a":[1,2.5,true,null,"x"]}}],"extra":[{}]}"#,
        #"{"site":"s","changes":[{"seq":1,"hlc":1,"e":"memo","r":"m","f":{"text":"q\"uote\\ \/ \n\t \u00e9 \ud83d\ude42 상담"},"b":{"text":"old"}}]}"#,
    ])
    func validRequestsDecodeTheSameBothWays(_ json: String) throws {
        let (fast, slow) = both(json)
        let decoded = try #require(fast)
        let expected = try #require(slow)
        #expect(decoded.site == expected.site)
        #expect(decoded.changes == expected.changes)
    }

    @Test(arguments: [
        #"{"site":"s","changes":[{"seq":1.5,"hlc":1,"e":"c","r":"x"}]}"#,
        #"{"site":"s","changes":[{"seq":"1","hlc":1,"e":"c","r":"x"}]}"#,
        #"{"site":"s","changes":[{"hlc":1,"e":"c","r":"x"}]}"#,
        #"{"site":"s","changes":[{"seq":1,"hlc":1,"e":"c","r":"x","f":{"name":true}}]}"#,
        #"{"site":"s","changes":[{"seq":1,"hlc":99999999999999999999,"e":"c","r":"x"}]}"#,
        #"{"site":"s","changes":[}"#,
        #"{"site":"s","changes":[]} trailing"#,
        #"{"site":"s\ud800","changes":[]}"#,
    ])
    func anythingUnexpectedFallsBackToJSONDecoder(_ json: String) {
        #expect(FastPushDecoder.decode(Array(json.utf8)) == nil)
    }

    @Test func randomRequestsDecodeTheSameBothWays() throws {
        let seed = TestSeed.current()
        var random = SplitMix64(seed: seed)
        let pieces = ["a", "상", "\"", "\\", "\n", "é", "🙂", " ", "/", "\u{1}"]
        for _ in 0..<200 {
            var changes: [RowChange] = []
            for seq in 1...Int64(1 + random.next() % 5) {
                var fields: [FieldAssignment] = []
                for field in ["name", "phones", "dormant", "birth_date"].filter({ _ in random.next() % 2 == 0 }) {
                    switch random.next() % 3 {
                    case 0: fields.append(FieldAssignment(field, .null))
                    case 1: fields.append(FieldAssignment(field, .integer(Int64(bitPattern: random.next()))))
                    default: fields.append(FieldAssignment(field, .text((0..<(random.next() % 6)).map { _ in pieces[Int(random.next() % 10)] }.joined())))
                    }
                }
                changes.append(RowChange(seq: seq, hlc: HLCTimestamp(packed: Int64(random.next() >> 2)), entity: .client, rowID: "r\(seq)",
                                         operation: random.next() % 4 == 0 ? .delete : .set, fields: fields))
            }
            let json = "{\"site\":\"s\",\"changes\":[" + changes.map { WireEncoding.change($0, site: nil) }.joined(separator: ",") + "]}"
            let (fast, slow) = both(json)
            #expect(fast?.changes == slow?.changes, "seed \(seed) (replay with CRM_SEED=\(seed))")
            #expect(fast != nil, "seed \(seed)")
        }
    }
}
