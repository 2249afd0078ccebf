/// Where a node listens for internode traffic: a host (an IP literal such as "127.0.0.2", or a name)
/// and the internode port. It is the node's identity in the ring and in gossip, as Cassandra's
/// `InetAddressAndPort` is; a restarted node keeps its address and changes its gossip generation.
///
/// The ordering (host text, then port) has no network meaning: it only makes every iteration over a
/// set of nodes deterministic, which seeded replays of a simulated cluster depend on.
public struct NodeAddress: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var host: String
    public var port: UInt16

    public init(host: String, port: UInt16) {
        self.host = host
        self.port = port
    }

    public static func < (lhs: NodeAddress, rhs: NodeAddress) -> Bool {
        (lhs.host, lhs.port) < (rhs.host, rhs.port)
    }

    /// `host:port`, with an IPv6 literal in brackets (`[::1]:7000`) so the port stays unambiguous.
    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}
