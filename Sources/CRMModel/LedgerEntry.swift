/// One entry of a client's money ledger. Entries are only ever added; a balance is their
/// sum, so two offices taking money offline both count and an overdraft shows as a debt.
public struct LedgerEntry: Hashable, Sendable, Codable, Identifiable {
    /// What an entry does to the prepaid balance.
    public enum Kind: String, Choice, Sendable, Codable {
        /// Money paid in ahead (adds).
        case payment
        /// Prepaid money taken for a booked schedule (subtracts).
        case deduction
        /// A deduction given back (adds), e.g. when its schedule is cancelled.
        case release
        /// What a schedule costs (subtracts while the schedule exists).
        case settlement
    }

    /// The entry's id.
    public var id: LedgerEntryID
    /// Its kind.
    public var kind: Kind
    /// The amount in minor units (won, kopecks), 1 to ``LedgerEntry/amountLimit``.
    public var amount: Int64

    /// The largest amount accepted.
    public static let amountLimit: Int64 = 1_000_000_000_000

    /// Creates an entry after checking its amount.
    public init(id: LedgerEntryID, kind: Kind, amount: Int64) throws(ModelError) {
        guard (1...Self.amountLimit).contains(amount) else {
            throw ModelError(.outOfRange, field: "ledger.amount", "must be within 1...\(Self.amountLimit) minor units, got \(amount)")
        }
        self.id = id
        self.kind = kind
        self.amount = amount
    }
}
