import CRMModel
import Foundation
import LocalReplica

/// The client list: search as you type, filters, sort, page size, the latest memo.
struct ClientListPage {
    let base: PageContext
    let request: UIRequest

    static let sizes = [10, 20, 100]
    /// Matches counted exactly before the list says "more than".
    static let countedMatches = 1_000

    /// The query the request asks for.
    var query: ClientQuery {
        let size = request.query("size").flatMap(Int.init).flatMap { Self.sizes.contains($0) ? $0 : nil } ?? 20
        let page = max(0, (request.query("page").flatMap(Int.init) ?? 1) - 1)
        var assignee = request.query("assignee")
        if assignee == "me" { assignee = (try? base.replica.owner())??.id ?? "me" }
        if assignee == "nobody" { assignee = "" }
        return ClientQuery(search: request.query("q"), status: request.query("status").flatMap { ClientStatus(rawValue: $0) },
                           tag: request.query("tag"), includeArchived: request.query("archived") == "1", limit: size,
                           assignee: assignee, branch: request.query("branch"),
                           sort: request.query("sort").flatMap { ClientQuery.Sort(rawValue: $0) } ?? .name, offset: page * size)
    }

    /// The rows part (also served alone for search as you type).
    func rows() throws -> [String: Any] {
        let query = self.query
        // Counted only as far as a page needs: a count of every match would read the
        // whole office when a search is as broad as one letter.
        let countCap = max(Self.countedMatches, query.offset + (query.limit ?? 20)) + 1
        let found = try base.replica.clientPage(query, countUpTo: countCap)
        let clients = found.clients, order = found.sort, total = found.count ?? 0
        let memos = try base.replica.latestMemos(of: clients.map(\.id))
        let messages = base.messages
        let rows: [[String: Any]] = clients.map { client in
            [
                "id": client.id, "name": client.name, "status": client.status, "statusLabel": messages.text("status.\(client.status)"),
                "phone": client.phone.map(Self.readablePhone) ?? "", "assignee": client.assignee.map { base.name(ofStaff: $0) } ?? messages.text("card.nobody"),
                "memo": memos[client.id].map { String($0.prefix(80)) } ?? "", "tags": client.tags,
            ]
        }
        let size = query.limit ?? 20
        let page = query.offset / size + 1
        var context: [String: Any] = ["rows": rows, "empty": rows.isEmpty, "count": total < countCap ? messages.text("list.count", base.format.amount(Int64(total)))
                                                                                    : messages.text("list.countMore", base.format.amount(Int64(countCap - 1))),
                                      "t": base.words]
        if order != query.sort { context["broad"] = messages.text("list.broad") }
        if page > 1 { context["previous"] = link(page: page - 1) }
        if query.offset + clients.count < total { context["next"] = link(page: page + 1) }
        return context
    }

    private func link(page: Int) -> String {
        var components = URLComponents(string: request.pathAndQuery) ?? URLComponents()
        components.path = "/clients"
        var items = (components.queryItems ?? []).filter { $0.name != "page" }
        items.append(URLQueryItem(name: "page", value: String(page)))
        components.queryItems = items
        return components.string ?? "/clients"
    }

    /// The whole page.
    func context() throws -> [String: Any] {
        let messages = base.messages
        func options(_ values: [(String, String)], selected: String?) -> [[String: Any]] {
            values.map { ["value": $0.0, "label": $0.1, "selected": $0.0 == (selected ?? "")] }
        }
        let statuses = [("", messages.text("list.any"))] + ClientStatus.allCases.map { ($0.rawValue, messages.text("status.\($0.rawValue)")) }
        let tags = [("", messages.text("list.any"))] + (try base.replica.tagNames()).map { ($0, $0) }
        let staff = try base.replica.staff()
        let assignees = [("", messages.text("list.any")), ("me", messages.text("list.mine")), ("nobody", messages.text("list.nobody"))]
            + staff.map { ($0.id, $0.name) }
        let branches = [("", messages.text("list.any"))] + (try base.replica.branchNames()).sorted { $0.value < $1.value }.map { ($0.key, $0.value) }
        let sorts = [("name", messages.text("list.sort.name")), ("newest", messages.text("list.sort.created"))]
        let sizes = Self.sizes.map { (String($0), String($0)) }
        var context = try base.context(page: "clients", title: messages.text("nav.clients"), [
            "query": ["q": request.query("q") ?? "", "archived": request.query("archived") == "1"],
            "statuses": options(statuses, selected: request.query("status")),
            "tags": options(tags, selected: request.query("tag")),
            "assignees": options(assignees, selected: request.query("assignee")),
            "branches": options(branches, selected: request.query("branch")),
            "sorts": options(sorts, selected: request.query("sort") ?? "name"),
            "sizes": options(sizes, selected: request.query("size") ?? "20"),
        ])
        for (key, value) in try rows() where key != "t" { context[key] = value }
        return context
    }

    /// `+821012345678` as people write it: `+82 10-1234-5678` stays a string of digits
    /// with a plus; grouping per country is left to the phone model.
    static func readablePhone(_ e164: String) -> String {
        (try? PhoneNumber(parsing: e164, region: nil))?.description ?? e164
    }
}
