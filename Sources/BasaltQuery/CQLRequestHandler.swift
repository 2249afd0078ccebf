import BasaltCQLProtocol

/// One client connection's state that statements read or change (`USE ks`).
public final class CQLSession: @unchecked Sendable {
    /// The keyspace unqualified table names resolve in; set by `USE`, case preserved.
    public var keyspace: String?
    /// The role this connection logged in as; nil where the node does not authenticate.
    public var user: String?
    /// Statements the node runs on its own behalf (role bookkeeping): they may write system_auth
    /// and are not authorized.
    let isInternal: Bool

    public init(keyspace: String? = nil, user: String? = nil) {
        self.keyspace = keyspace
        self.user = user
        isInternal = false
    }

    init(internal: Void) {
        isInternal = true
    }
}

/// What the native-protocol server hands to the query layer: QUERY, PREPARE, EXECUTE and BATCH
/// requests, each answered with a RESULT or an ERROR response. The server answers STARTUP, OPTIONS,
/// REGISTER and AUTH_RESPONSE itself, so that the query layer knows nothing of connections.
public protocol CQLRequestHandler: Sendable {
    func handle(_ request: CQLRequest, session: CQLSession) async -> CQLResponse
}

/// Where the query layer announces events (schema changes now; topology and status with the
/// cluster), so that the server can push them to the connections that REGISTERed for them.
public protocol CQLEventSink: Sendable {
    func publish(_ event: CQLEvent)
}
