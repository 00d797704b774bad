/// A table or column name as it may appear in SQL text: always quoted, so a name can never
/// be read as SQL. Names come from ``SyncCore/ReplicatedSchema`` only; callers check a name
/// from elsewhere (a conflict record's field) against it before it gets here.
public enum SQLIdentifier {
    /// `name` in double quotes, inner quotes doubled.
    public static func quote(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// `names` quoted and joined with commas.
    public static func list(_ names: [String]) -> String {
        names.map(quote).joined(separator: ", ")
    }
}
