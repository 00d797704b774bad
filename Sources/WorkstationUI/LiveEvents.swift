import Foundation
import Hummingbird
import LocalReplica

/// Server-sent events: `change` whenever the replica's content may have changed (a pull
/// brought something, another program wrote), so open pages refresh without a reload.
enum LiveEvents {
    /// How often the replica is looked at.
    static let interval: Duration = .milliseconds(300)

    static func response(replica: Replica) -> Response {
        var response = Response(status: .ok, body: ResponseBody { writer in
            var last = (try? replica.changeSignature()) ?? ""
            var quiet = Duration.zero
            try await writer.write(ByteBuffer(string: "retry: 1000\n\n"))
            while !Task.isCancelled {
                try await Task.sleep(for: interval)
                let now = (try? replica.changeSignature()) ?? last
                if now != last {
                    last = now
                    quiet = .zero
                    try await writer.write(ByteBuffer(string: "event: change\ndata: \(now.hashValue)\n\n"))
                } else {
                    quiet += interval
                    // A comment now and then shows a dead connection to both ends.
                    if quiet >= .seconds(15) {
                        quiet = .zero
                        try await writer.write(ByteBuffer(string: ": still here\n\n"))
                    }
                }
            }
        })
        response.headers[.contentType] = "text/event-stream; charset=utf-8"
        return response
    }
}
