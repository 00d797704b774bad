/// What the server knows of one bucket at one tracked replica (a site), and how that
/// changes when access to the bucket is examined again or an offer is acknowledged.
///
/// New rows of a bucket the site already holds travel through the log, which is filtered
/// by who may see each entry now. So does a whole bucket whose every row is logged after
/// the site's cursor (a client created since): the log brings it, nothing is sent twice.
/// Only a bucket with rows the site was never sent (a client reassigned to its user, a
/// role or branch change) is sent whole, as a snapshot offered with a pull reply and
/// acknowledged by the next pull that names the offer.
public enum Holding: String, Sendable, Codable, CaseIterable {
    /// The site holds the bucket, or the log after its cursor brings all of it.
    case held
    /// The site is owed the bucket's rows as a snapshot. It may hold some of them already
    /// (an offer it applied whose acknowledgement was lost), so losing the bucket again
    /// means a revoke.
    case want
    /// The site must purge the bucket. It may hold nothing of it; purging is harmless.
    case revoke

    /// The holding after access to the bucket was examined again.
    /// - Parameters:
    ///   - current: the holding now, `nil` when the site neither holds nor is owed it.
    ///   - visible: whether the site's user may hold the bucket now.
    ///   - arrivesThroughLog: whether every row of the bucket is logged after the site's
    ///     cursor, so that the filtered log brings it whole.
    public static func next(_ current: Holding?, visible: Bool, arrivesThroughLog: Bool) -> Holding? {
        switch (current, visible) {
        case (nil, true): arrivesThroughLog ? .held : .want
        case (nil, false): nil
        case (.held?, true), (.want?, true): current
        case (.held?, false), (.want?, false), (.revoke?, false): .revoke
        case (.revoke?, true): .want
        }
    }

    /// The holding once the site acknowledged an offer that granted (`granted`) or
    /// revoked the bucket: a granted snapshot is held, a revoked bucket is forgotten.
    public static func acknowledged(_ current: Holding?, granted: Bool) -> Holding? {
        switch (current, granted) {
        case (.want?, true): .held
        case (.revoke?, false): nil
        default: current
        }
    }
}
