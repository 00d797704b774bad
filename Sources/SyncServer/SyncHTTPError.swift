import Foundation
import HTTPTypes
import Hummingbird
import SyncCore

/// An error reply with the protocol's JSON body: `{"error": {"code": …, "message": …}}`.
struct SyncHTTPError: HTTPResponseError {
    let status: HTTPResponse.Status
    let body: ErrorResponse
    /// Extra headers (`Allow` on a 405).
    var headers: HTTPFields = [:]

    init(_ status: HTTPResponse.Status, _ body: ErrorResponse) {
        self.status = status
        self.body = body
    }

    init(_ status: HTTPResponse.Status, code: String, _ message: String) {
        self.init(status, ErrorResponse(code: code, message: message))
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = try JSONReply.response(body, status: status)
        for field in headers { response.headers.append(field) }
        return response
    }
}

/// JSON responses.
enum JSONReply {
    static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return raw(try encoder.encode(value), status: status)
    }

    static func raw(_ data: Data, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
