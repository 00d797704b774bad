import CRMModel
import SyncCore

extension ReplicaWriter {
    /// Adds a memo to a client card.
    /// - Throws: `ModelError` for empty text or text over ``Memo/textLimit`` characters;
    ///   ``ReplicaError`` `notFound` when the client is not on this replica.
    public mutating func addMemo(to client: ClientID, text: String, kind: Memo.Kind? = nil, author: UserID? = nil) throws -> MemoID {
        let memo = try Memo(id: newID(), clientID: client, text: text, kind: kind, authorID: author, createdAt: now)
        let clientText = client.description
        try refersTo(.client, clientText) { writer in
            try writer.insert(.memo, id: memo.id.description, [
                .text(clientText), .text(memo.text), kind.map { .text($0.rawValue) } ?? .null,
                author.map { .text($0.description) } ?? .null, .text(memo.createdAt.description),
            ])
        }
        return memo.id
    }

    /// Replaces a memo's text and, when given, its type.
    public mutating func editMemo(_ id: MemoID, text: String?, kind: Memo.Kind? = nil) throws {
        var assignments: [FieldAssignment] = []
        if let text { assignments.append(.init("text", .text(try Memo.validText(text)))) }
        if let kind { assignments.append(.init("type", .text(kind.rawValue))) }
        try update(.memo, id: id.description, assignments)
        // Editing the memo by hand settles its open conflicts.
        if text != nil { try resolveConflicts(of: .memo, id.description) }
    }

    /// Deletes a memo.
    public mutating func deleteMemo(_ id: MemoID) throws {
        try delete(.memo, id: id.description)
    }

    /// Runs `body`, reporting a foreign-key failure as the missing `entity` `id`.
    mutating func refersTo<T>(_ entity: TableSpec, _ id: String, _ body: (inout Self) throws -> T) throws -> T {
        do {
            return try body(&self)
        } catch let error as ReplicaError where error.code == .notFound {
            throw ReplicaError.notFound(entity.entity, id)
        }
    }
}
