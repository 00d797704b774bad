import CRMModel
import CRMTestSupport
import Foundation
import LocalReplica
import SyncCore
import SyncEngine
import Testing

/// `POST /v1/rows` answers each key once, reads a client's children only in the parts the
/// device may see, and never builds a reply past its bounds (issue 12, finding 6).
@Suite("Row reads: each key once, visible children only, bounded replies", .serialized)
struct RowReadLimitTests {
    private func time(_ minutes: Int) -> (Timestamp, Timestamp) {
        let start = Timestamp(unixMillis: 1_796_000_000_000 + Int64(minutes) * 60_000)
        return (start, Timestamp(unixMillis: start.unixMillis + 1_800_000))
    }

    @Test func aThousandCopiesOfOneKeyWithChildrenAreAnsweredOnceAndTheFrontDeskGetsNoDetails() throws {
        let fixture = try SyncFixture()
        let executive = try fixture.replica("kim")
        let desk = try fixture.replica("front", role: "general")
        let client = try executive.write { writer in
            let client = try writer.addClient(NewClient(name: "Kim Minji"))
            for index in 0..<200 {
                let (start, end) = time(index * 60)
                _ = try writer.addSchedule(for: client, start: start, end: end)
                _ = try writer.addMemo(to: client, text: "Memo \(index) nobody at the desk may read")
            }
            return client
        }
        try fixture.sync(executive)
        let device = try HostileDevice(url: fixture.server.url, token: try DeviceCredentials.load(forReplica: desk.path))
        let keys = Array(repeating: RowsRequest.Key(e: "client", r: client.description, children: true), count: 1_000)
        let reply = try device.send("POST", "/v1/rows", body: try JSONEncoder().encode(RowsRequest(keys: keys)))
        #expect(reply.status == 200)
        let rows = try JSONDecoder().decode(RowsResponse.self, from: reply.body).rows
        #expect(rows.filter { $0.e == "client" }.count == 1)
        #expect(rows.filter { $0.e == "schedule" }.count == 200)
        #expect(!rows.contains { $0.e == "memo" }, "the front desk read memos through children")
        #expect(reply.body.count < 200_000, "a reply of \(reply.body.count) bytes")
    }

    @Test func aReadWhoseReplyWouldPassEightMebibytesIsRefusedByNameAndTheServerStaysUp() throws {
        let fixture = try SyncFixture()
        let executive = try fixture.replica("kim")
        // 3,000 memos of 1,000 Korean characters: about 9 MiB of text.
        let text = String(repeating: "상담", count: 500)
        let client = try executive.write { writer in
            let client = try writer.addClient(NewClient(name: "Kim Minji"))
            for _ in 0..<3_000 { _ = try writer.addMemo(to: client, text: text) }
            return client
        }
        _ = try SyncClient(replica: executive, configuration: .init(pushBatch: 1_000)).pushAll()
        let device = try HostileDevice(url: fixture.server.url, token: try DeviceCredentials.load(forReplica: executive.path))
        let reply = try device.send("POST", "/v1/rows", body: try JSONEncoder().encode(RowsRequest(keys: [RowsRequest.Key(e: "client", r: client.description, children: true)])))
        #expect(reply.status == 413)
        let error = try JSONDecoder().decode(ErrorResponse.self, from: reply.body).error
        #expect(error.code == "reply_too_large" && error.message.contains("8 MiB"), "\(error.message)")
        let health = try device.send("GET", "/v1/health")
        #expect(health.status == 200)
    }
}
