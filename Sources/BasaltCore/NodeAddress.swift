/// Where a node listens for other nodes (its internode address): a node's identity on the network
/// everywhere in the cluster layer — ring placement, gossip, the transport's connection keys.
/// Always the *listen* address a node announces, never the ephemeral port of an outgoing connection.
public struct NodeAddress: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Cassandra's storage_port.
    public static let defaultPort = 7000

    /// An IP address or host name as peers dial it (never a wildcard like 0.0.0.0).
    public var host: String
    public var port: Int

    public init(host: String, port: Int = NodeAddress.defaultPort) {
        self.host = host
        self.port = port
    }

    /// Orders by host, then port: a stable order for tie-breaks and printing.
    public static func < (lhs: NodeAddress, rhs: NodeAddress) -> Bool {
        lhs.host != rhs.host ? lhs.host < rhs.host : lhs.port < rhs.port
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
