import HTTPTypes
import Hummingbird

/// The rules of a local web server, on every request: the Host header must name this
/// server (no DNS rebinding), every page but the login needs the session cookie, every
/// state-changing request carries the page's CSRF token, and every response forbids
/// framing, sniffing and foreign scripts.
struct UIGuard<Context: RequestContext>: RouterMiddleware {
    let access: UIAccess

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var request = request
        var response: Response
        let hasToken = request.method == .get || request.method == .head ? true : await hasToken(&request)
        if !access.allows(host: request.head.authority) {
            response = Self.refusal(.misdirectedRequest, "This server answers only to its own address.")
        } else if request.uri.path != "/login" && !access.isSession(request.cookies[UIAccess.cookieName]?.value) {
            response = Self.refusal(.unauthorized, "Open the address crm ui printed when it started.")
        } else if !hasToken {
            response = Self.refusal(.forbidden, "This form is out of date: reload the page and try again.")
        } else {
            response = try await next(request, context)
        }
        response.headers[.contentSecurityPolicy] = UIAccess.contentSecurityPolicy
        response.headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        response.headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        response.headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        response.headers[.cacheControl] = "no-store"
        return response
    }

    /// The CSRF token, from the `X-CSRF-Token` header or the form's `csrf` field (never the
    /// URL: links leak). A form's body is read here and kept on the request for the handler.
    private func hasToken(_ request: inout Request) async -> Bool {
        if access.isCSRFToken(request.headers[HTTPField.Name("X-CSRF-Token")!]) { return true }
        guard let buffer = try? await request.collectBody(upTo: 1 << 20) else { return false }
        for pair in String(buffer: buffer).split(separator: "&") where pair.hasPrefix("csrf=") {
            if access.isCSRFToken(String(pair.dropFirst(5)).removingPercentEncoding) { return true }
        }
        return false
    }

    private static func refusal(_ status: HTTPResponse.Status, _ message: String) -> Response {
        var response = Response(status: status, body: .init(byteBuffer: ByteBuffer(string: "<!doctype html><meta charset=utf-8><title>\(status.code)</title><p>\(message)</p>")))
        response.headers[.contentType] = "text/html; charset=utf-8"
        return response
    }
}
