import CRMModel
import Foundation
import HTTPTypes
import Hummingbird
import LocalReplica

/// The pages and the forms they post. Every write is one replica transaction through the
/// same writer `crm` uses: refused input changes nothing and is shown in words.
struct UIRoutes: Sendable {
    let replica: Replica
    let access: UIAccess

    func add(to router: Router<BasicRequestContext>) {
        router.get("/login") { request, _ in try login(request) }
        router.get("/") { _, _ in Self.redirect("/clients") }
        router.get("/static/app.css") { _, _ in Self.asset(Assets.css, type: "text/css; charset=utf-8") }
        router.get("/static/app.js") { _, _ in Self.asset(Assets.js, type: "text/javascript; charset=utf-8") }
        router.get("/clients") { request, _ in
            try page(request) { base, ui in try PageRenderer.clientList(base, ui) }
        }
        router.get("/clients/rows") { request, _ in
            try page(request) { base, ui in try PageRenderer.clientRows(base, ui) }
        }
        router.get("/clients/:id") { request, context in
            try page(request) { base, ui in
                guard let id = context.parameters.get("id").flatMap(ClientID.init) else {
                    throw UIFailure(status: .notFound, message: base.messages.text("error.notFound"))
                }
                return try PageRenderer.card(base, ui, id: id)
            }
        }
        router.get("/conflicts") { request, _ in try page(request) { base, _ in base.render("conflicts", try ReviewPages(base: base).conflicts()) } }
        router.get("/rejected") { request, _ in try page(request) { base, _ in base.render("rejected", try ReviewPages(base: base).rejected()) } }
        router.get("/tasks") { request, _ in try page(request) { base, _ in base.render("tasks", try ReviewPages(base: base).tasks()) } }
        router.get("/events") { _, _ in LiveEvents.response(replica: replica) }
        addWrites(to: router)
    }

    private func addWrites(to router: Router<BasicRequestContext>) {
        router.post("/clients") { request, _ in
            try await write(request) { form, writer in
                let id = try writer.addClient(NewClient(name: form["name"] ?? "", phones: form.value("phone").map { [$0] } ?? []))
                return "/clients/\(id)"
            }
        }
        router.post("/clients/:id/:action") { request, context in
            try await write(request) { form, writer in
                let id = try Self.id(context.parameters.get("id"), ClientID.self)
                switch context.parameters.get("action") ?? "" {
                case "memos":
                    _ = try writer.addMemo(to: id, text: form["text"] ?? "", kind: form.value("type").flatMap { Memo.Kind(rawValue: $0) })
                case "dormant": try writer.setDormant(id, true)
                case "wake": try writer.setDormant(id, false)
                case "archive": try writer.archiveClient(id, reason: form["reason"] ?? "")
                case "unarchive": try writer.unarchiveClient(id)
                case "delete":
                    try writer.deleteClient(id)
                    return "/clients"
                case "assign": try writer.assign(id, to: try Self.id(form["to"], UserID.self))
                case "schedules":
                    let format = LocalFormat(language: .en)
                    guard let start = form["start"].flatMap(format.instant(fromInput:)), let end = form["end"].flatMap(format.instant(fromInput:)) else {
                        throw ModelError(.invalidDate, field: "schedule.start", "start and end must be a date and time")
                    }
                    _ = try writer.addSchedule(for: id, start: start, end: end)
                default: throw UIFailure(status: .notFound, message: "no such action")
                }
                return "/clients/\(id)"
            }
        }
        router.post("/memos/:id/:action") { request, context in
            try await write(request) { form, writer in
                let id = try Self.id(context.parameters.get("id"), MemoID.self)
                if context.parameters.get("action") == "delete" { try writer.deleteMemo(id) } else { try writer.editMemo(id, text: form["text"] ?? "") }
                return "/clients/\(form["client"] ?? "")"
            }
        }
        router.post("/schedules/:id/done") { request, context in
            try await write(request) { form, writer in
                try writer.markScheduleDone(try Self.id(context.parameters.get("id"), ScheduleID.self))
                return "/clients/\(form["client"] ?? "")"
            }
        }
        router.post("/schedules/:id/journal") { request, context in
            try await write(request) { form, writer in
                _ = try writer.writeJournal(for: try Self.id(context.parameters.get("id"), ScheduleID.self), text: form["text"] ?? "")
                return "/clients/\(form["client"] ?? "")"
            }
        }
        router.post("/tasks/:id/done") { request, context in
            try await write(request) { _, writer in
                try writer.completeTask(try Self.id(context.parameters.get("id"), TaskID.self))
                return "/tasks"
            }
        }
        router.post("/conflicts/:id/resolve") { request, context in
            try await write(request) { form, writer in
                let keep = try ConflictResolution(parsing: form["keep"] ?? "current", field: "keep")
                try writer.resolveConflict(context.parameters.get("id") ?? "", keep: keep)
                return "/conflicts"
            }
        }
    }

    // MARK: - Plumbing

    /// A page in the request's language; a failure is shown as a page in words.
    private func page(_ request: Request, _ body: (PageContext, UIRequest) throws -> String) throws -> Response {
        let ui = UIRequest(request)
        let base = try PageContext(replica: replica, access: access, language: ui.language)
        var response: Response
        do {
            response = Self.html(try body(base, ui))
        } catch let failure as UIFailure {
            response = Self.html(base.render("error", try base.context(page: "error", title: base.messages.text("error.title"),
                                                                     ["message": failure.message, "back": "/clients"])), status: failure.status)
        }
        if let chosen = ui.chosenLanguage {
            response.setCookie(Cookie(name: "crm_lang", value: chosen.rawValue, path: "/", httpOnly: true, sameSite: .strict))
        }
        return response
    }

    /// Runs a form's write in one transaction and goes to the page it names; refused input
    /// changes nothing and is shown with its reason.
    private func write(_ request: Request, _ body: @escaping (FormBody, inout ReplicaWriter) throws -> String) async throws -> Response {
        let form = try await FormBody.read(request)
        let ui = UIRequest(request)
        do {
            let next = try replica.write { writer in try body(form, &writer) }
            return Self.redirect(next)
        } catch {
            let base = try PageContext(replica: replica, access: access, language: ui.language)
            let message = String(describing: error)
            let status: HTTPResponse.Status = (error as? UIFailure)?.status ?? ((error as? ReplicaError)?.code == .forbidden ? .forbidden : .badRequest)
            return Self.html(base.render("error", try base.context(page: "error", title: base.messages.text("error.title"),
                                                                 ["message": message, "back": request.headers[.referer] ?? "/clients"])), status: status)
        }
    }

    private func login(_ request: Request) throws -> Response {
        guard access.isKey(request.uri.queryParameters.get("key").map { String($0) }) else {
            var response = Response(status: .unauthorized, body: .init(byteBuffer: ByteBuffer(string: "<!doctype html><meta charset=utf-8><p>This login key is not valid.</p>")))
            response.headers[.contentType] = "text/html; charset=utf-8"
            return response
        }
        var response = Self.redirect("/clients")
        response.setCookie(Cookie(name: UIAccess.cookieName, value: access.session, path: "/", httpOnly: true, sameSite: .strict))
        return response
    }

    private static func id<T>(_ text: String?, _ type: EntityID<T>.Type) throws -> EntityID<T> {
        guard let text, let id = EntityID<T>(text) else { throw UIFailure(status: .badRequest, message: "not an id: \(text ?? "")") }
        return id
    }

    static func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        var response = Response(status: status, body: .init(byteBuffer: ByteBuffer(string: text)))
        response.headers[.contentType] = "text/html; charset=utf-8"
        return response
    }

    static func redirect(_ location: String) -> Response {
        var response = Response(status: .seeOther)
        response.headers[.location] = location.hasPrefix("/") && !location.hasPrefix("//") ? location : "/clients"
        return response
    }

    private static func asset(_ text: String, type: String) -> Response {
        var response = Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: text)))
        response.headers[.contentType] = type
        return response
    }
}

/// A request the front end cannot serve, with the words to show.
struct UIFailure: Error, CustomStringConvertible {
    let status: HTTPResponse.Status
    let message: String
    var description: String { message }
}
