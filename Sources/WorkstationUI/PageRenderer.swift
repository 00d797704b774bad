import CRMModel
import Foundation
import HTTPTypes
import Hummingbird
import LocalReplica

/// Renders the front end's read-only pages straight from a replica, without a socket, the
/// way the routes do: `crm-bench search` times the workstation's own work on a page.
public struct PageRenderer: Sendable {
    let replica: Replica
    let access: UIAccess

    /// A renderer over `replica`.
    public init(replica: Replica) {
        self.replica = replica
        access = UIAccess()
    }

    /// The HTML of a GET of `pathAndQuery` (`/clients?q=…`, `/clients/rows?q=…` or
    /// `/clients/ID`).
    public func render(_ pathAndQuery: String) throws -> String {
        let request = Request(head: HTTPRequest(method: .get, scheme: "http", authority: "127.0.0.1", path: pathAndQuery),
                              body: RequestBody(buffer: ByteBuffer()))
        let ui = UIRequest(request)
        let base = try PageContext(replica: replica, access: access, language: ui.language)
        let path = request.uri.path
        switch path {
        case "/clients": return try Self.clientList(base, ui)
        case "/clients/rows": return try Self.clientRows(base, ui)
        default:
            guard path.hasPrefix("/clients/"), let id = ClientID(String(path.dropFirst("/clients/".count))) else {
                throw UIFailure(status: .notFound, message: base.messages.text("error.notFound"))
            }
            return try Self.card(base, ui, id: id)
        }
    }

    /// The client list page.
    static func clientList(_ base: PageContext, _ ui: UIRequest) throws -> String {
        base.render("clients", try ClientListPage(base: base, request: ui).context())
    }

    /// The rows of the client list alone (search as you type).
    static func clientRows(_ base: PageContext, _ ui: UIRequest) throws -> String {
        Templates.library.render(try ClientListPage(base: base, request: ui).rows(), withTemplate: "rows") ?? ""
    }

    /// A client's card, in the window the request asks for.
    static func card(_ base: PageContext, _ ui: UIRequest, id: ClientID) throws -> String {
        let window = ClientCardPage.window(for: ui)
        guard let client = try? base.replica.client(id, window: window) else {
            throw UIFailure(status: .notFound, message: base.messages.text("error.notFound"))
        }
        return base.render("card", try ClientCardPage(base: base, client: client, window: window).context())
    }
}
