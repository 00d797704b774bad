/// How the sync server behaves. Every default suits one office server.
public struct ServerConfiguration: Sendable {
    /// The address to bind. Default `127.0.0.1`.
    public var host: String
    /// The port; `0` binds a free one. Default `8080`.
    public var port: Int
    /// How far ahead of the server's clock a change may be stamped. Default 60 s.
    public var maxSkewMillis: Int64
    /// The largest request body accepted. Default 8 MiB.
    public var maxBodyBytes: Int
    /// The most changes one push may carry. Default 5,000.
    public var maxPushChanges: Int
    /// The most changes one pull page returns. Default 5,000.
    public var maxPullChanges: Int
    /// The longest a long-poll pull waits. Default 30 s.
    public var maxWaitSeconds: Int
    /// How long a client may take to send a request body: one that has not fully arrived
    /// by then gets 408. A connection that sends nothing, or stops within its headers, is
    /// closed after twice this. Default 30 s (a slow or stalled client cannot hold a
    /// connection and its memory forever).
    public var slowClientSeconds: Int
    /// PEM files of the server's certificate chain and private key: serve HTTPS. Default
    /// `nil`: plain HTTP (a loopback or a trusted network only).
    public var tls: (certificateChain: String, privateKey: String)?

    /// Creates a configuration.
    public init(host: String = "127.0.0.1", port: Int = 8080, maxSkewMillis: Int64 = 60_000, maxBodyBytes: Int = 8 << 20,
                maxPushChanges: Int = 5_000, maxPullChanges: Int = 5_000, maxWaitSeconds: Int = 30, slowClientSeconds: Int = 30) {
        self.host = host
        self.port = port
        self.maxSkewMillis = maxSkewMillis
        self.maxBodyBytes = maxBodyBytes
        self.maxPushChanges = maxPushChanges
        self.maxPullChanges = maxPullChanges
        self.maxWaitSeconds = maxWaitSeconds
        self.slowClientSeconds = slowClientSeconds
    }
}
