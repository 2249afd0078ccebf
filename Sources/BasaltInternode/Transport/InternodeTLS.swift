import BasaltTLS

/// Internode encryption (`server_encryption_options`): the listener's TLS and the dialler's.
/// Both sides hold the node's certificate and check the peer's against the same CA.
public struct InternodeTLS: Sendable {
    public var server: ServerTLS
    public var client: ClientTLS

    public init(server: ServerTLS, client: ClientTLS) {
        self.server = server
        self.client = client
    }
}
