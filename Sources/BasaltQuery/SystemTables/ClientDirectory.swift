/// One client connection of this node, as `system_views.clients` shows it.
public struct ClientInfo: Sendable, Hashable {
    public var address: String
    public var port: Int32
    /// `established` until STARTUP, then `authenticating` until a login succeeds (where logins are
    /// required), then `ready`.
    public var connectionStage: String
    public var protocolVersion: Int32
    /// The STARTUP options, `DRIVER_NAME` and `DRIVER_VERSION` among them.
    public var options: [String: String]
    /// Requests received on the connection, this one included.
    public var requestCount: Int64
    /// The keyspace of its `USE`, if any.
    public var keyspace: String?
    /// The role it logged in as; nil where logins are not required.
    public var username: String?

    public init(address: String, port: Int32, connectionStage: String, protocolVersion: Int32, options: [String: String],
                requestCount: Int64, keyspace: String?, username: String? = nil) {
        self.username = username
        self.address = address
        self.port = port
        self.connectionStage = connectionStage
        self.protocolVersion = protocolVersion
        self.options = options
        self.requestCount = requestCount
        self.keyspace = keyspace
    }
}

/// The open client connections of this node, from the server (which the query layer must not
/// depend on). Without one, the clients tables are empty.
public protocol ClientDirectory: Sendable {
    var clients: [ClientInfo] { get }
}
