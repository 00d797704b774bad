/// The tables a store holds, with their columns and PostgreSQL types, in the order a copy
/// fills them: what `crm-server admin migrate-store` moves from SQLite to PostgreSQL.
package enum StoreTables {
    /// A table and how to copy it.
    package struct Table: Sendable {
        /// Its name (the same in both stores).
        package let name: String
        /// Each column with its PostgreSQL type.
        package let columns: [(name: String, type: String)]
        /// The columns that order a copy (its key).
        package let key: String
    }

    /// Every table with rows to copy (server_meta and sync_head are set, not copied).
    package static let copied: [Table] = [
        Table(name: "device", columns: [("id", "text"), ("user_id", "text"), ("name", "text"), ("token_hash", "text"), ("created_at", "bigint"),
                                        ("revoked_at", "bigint")], key: "id"),
        Table(name: "device_site", columns: [("site_id", "text"), ("device_id", "text")], key: "site_id"),
        Table(name: "site_state", columns: [("site_id", "text"), ("applied_seq", "bigint")], key: "site_id"),
        Table(name: "record", columns: [("entity", "text"), ("row_id", "text"), ("deleted", "boolean"), ("client_id", "text"), ("fields", "text")],
              key: "entity, row_id"),
        Table(name: "change_log", columns: [("position", "bigint"), ("site", "text"), ("seq", "bigint"), ("wire", "text"), ("created_at", "bigint"),
                                            ("scope", "text"), ("client_id", "text"), ("access", "smallint")], key: "position"),
        Table(name: "booking", columns: [("schedule_id", "text"), ("client_id", "text"), ("starts_at", "text"), ("ends_at", "text"), ("staff_id", "text"),
                                         ("room_id", "text"), ("course_id", "text")], key: "schedule_id"),
        Table(name: "refused_change", columns: [("id", "bigint"), ("at", "bigint"), ("user_id", "text"), ("site", "text"), ("seq", "bigint"), ("entity", "text"),
                                                ("row_id", "text"), ("fields", "text"), ("reason", "text"), ("detail", "text")], key: "id"),
        Table(name: "site_view", columns: [("site_id", "text"), ("pending", "text"), ("offer_id", "bigint"), ("reconciled_at", "bigint"), ("role", "text"),
                                           ("branch", "text")], key: "site_id"),
        Table(name: "site_grant", columns: [("site_id", "text"), ("client_id", "text"), ("scope", "text"), ("state", "text")], key: "site_id, client_id, scope"),
    ]
}
