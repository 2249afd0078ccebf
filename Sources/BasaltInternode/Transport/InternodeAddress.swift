/// Where a node listens for other nodes: the identity of a peer on the transport.
///
/// Connections are keyed by this, the peer's *listen* address as it announced it in its HELLO,
/// never by the ephemeral port its outgoing connection happens to come from: that is what makes a
/// request received from a peer and a request sent to it name the same node.
public struct InternodeAddress: Hashable, Sendable, CustomStringConvertible {
    /// An IP address or a host name, as peers should dial it (not a wildcard like 0.0.0.0).
    public var host: String
    public var port: Int

    public init(host: String, port: Int = InternodeProtocol.defaultPort) {
        self.host = host
        self.port = port
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
