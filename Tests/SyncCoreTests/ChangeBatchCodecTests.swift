import Foundation
import SyncCore
import Testing

@Suite("Change batch JSON")
struct ChangeBatchCodecTests {
    let hlc = HLCTimestamp(millis: 1_795_000_000_000, counter: 3)

    @Test func batchRoundTripsWithSequenceNumbersFromTheFirst() throws {
        let changes = [
            RowChange(seq: 41, hlc: hlc, entity: .client, rowID: "c1", operation: .set,
                      fields: [FieldAssignment("dormant", .integer(1)), FieldAssignment("name", .text("Kim"))]),
            RowChange(seq: 42, hlc: hlc, entity: .memo, rowID: "m1", operation: .delete, fields: []),
            RowChange(seq: 43, hlc: hlc, entity: .client, rowID: "c2", operation: .set,
                      fields: [FieldAssignment("birth_date", .null), FieldAssignment("dormant", .integer(-7))]),
        ]
        let json = ChangeBatchCodec.encode(changes)
        #expect(try ChangeBatchCodec.decode(json, firstSeq: 41, hlc: hlc) == changes)
    }

    @Test func textSurvivesQuotesControlCharactersAndEveryScript() throws {
        let awkward = "He said \"hi\"\\ \n\t\r\u{01}\u{1F} 상담 консультация 🙂 \u{7F}"
        let change = RowChange(seq: 1, hlc: hlc, entity: .memo, rowID: "m\"1", operation: .set, fields: [FieldAssignment("text", .text(awkward))])
        let json = ChangeBatchCodec.encode([change])
        #expect(try JSONSerialization.jsonObject(with: Data(json.utf8)) is [Any])
        #expect(try ChangeBatchCodec.decode(json, firstSeq: 1, hlc: hlc) == [change])
    }

    @Test func jsonTextHelpersAreDeterministic() {
        #expect(JSONText.array(["+82", "a\"b"]) == #"["+82","a\"b"]"#)
        #expect(JSONText.object(["b": "2", "a": "1"]) == #"{"a":"1","b":"2"}"#)
        #expect(JSONText.array([]) == "[]")
    }
}

@Suite("Hand-written wire JSON")
struct WireEncodingTests {
    let changes = [
        RowChange(seq: 7, hlc: HLCTimestamp(millis: 1_795_000_000_000, counter: 2), entity: .memo, rowID: "m\"1", operation: .set,
                  fields: [FieldAssignment("text", .text("상담 \"quoted\"\n\u{01}")), FieldAssignment("type", .null), FieldAssignment("n", .integer(-3))]),
        RowChange(seq: 8, hlc: HLCTimestamp(millis: 1, counter: 0), entity: .client, rowID: "c1", operation: .delete, fields: []),
    ]

    @Test func changeDecodesAsTheWireChangeItStandsFor() throws {
        for change in changes {
            let decoded = try JSONDecoder().decode(WireChange.self, from: Data(WireEncoding.change(change, site: "site-a").utf8))
            #expect(decoded == WireChange(change, site: "site-a"))
        }
    }

    @Test func pushResponseDecodesAsTheResponseItStandsFor() throws {
        let response = PushResponse(acks: [
            Ack(seq: 1, status: .applied, position: 10),
            Ack(seq: 2, status: .applied, superseded: ["name", "birth_date"]),
            Ack(seq: 3, status: .duplicate),
            Ack(seq: 4, status: .rejected, reason: "row_deleted", detail: "client \"x\" was deleted\n"),
        ], appliedThrough: 4, serverTime: 1_795_000_000_000)
        let decoded = try JSONDecoder().decode(PushResponse.self, from: Data(WireEncoding.pushResponse(response)))
        #expect(decoded.acks == response.acks)
        #expect(decoded.appliedThrough == 4)
        #expect(decoded.serverTime == response.serverTime)
    }
}
