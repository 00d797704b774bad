import GRDB

/// Keeps the trigram search index (`client_search`) in step with the cards. Triggers note
/// each card a transaction inserts, edits or deletes in `client_search_pending`, with the
/// text the index held for it; ``flush(_:)``, the last step of every write transaction the
/// replica runs, takes the old text out of the index and puts the new in, in two
/// statements for the whole transaction.
enum SearchIndex {
    /// Whether cards wait to be indexed.
    static func hasPending(_ db: Database) throws -> Bool {
        try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM client_search_pending)")) ?? false
    }

    /// Moves the noted cards into the index; does nothing when none were touched.
    static func flush(_ db: Database) throws {
        guard try hasPending(db) else { return }
        try db.execute(sql: """
            INSERT INTO client_search (client_search, rowid, terms)
                SELECT 'delete', client_rowid, old_terms FROM client_search_pending WHERE old_terms IS NOT NULL;
            INSERT INTO client_search (rowid, terms)
                SELECT t.client_rowid, t.terms FROM client_search_pending p JOIN client_search_text t ON t.client_rowid = p.client_rowid;
            DELETE FROM client_search_pending;
            """)
    }
}
