import BasaltCore
/// One endpoint as a gossip round summarises it: "I know this node's generation up to this version"
/// (Cassandra's `GossipDigest`).
public struct GossipDigest: Hashable, Sendable, CustomStringConvertible {
    public var endpoint: NodeAddress
    public var generation: Int64
    public var maxVersion: Int64

    public init(endpoint: NodeAddress, generation: Int64, maxVersion: Int64) {
        precondition(generation >= 0 && maxVersion >= 0, "negative digest \(generation):\(maxVersion) for \(endpoint)")
        self.endpoint = endpoint
        self.generation = generation
        self.maxVersion = maxVersion
    }

    public var description: String { "\(endpoint)@\(generation):\(maxVersion)" }
}

/// The three messages of a gossip round (Cassandra's `GossipDigestSyn`, `GossipDigestAck`,
/// `GossipDigestAck2`). A round is: the initiator sends SYN with a digest of everything it knows;
/// the receiver answers ACK with the digests of what it wants (its own copy is older) and the
/// states it has newer; the initiator applies those and answers ACK2 with the states requested.
/// Bytes on the wire: `GossipMessage+Codec.swift`, docs/formats/gossip.md.
public enum GossipMessage: Hashable, Sendable {
    /// The cluster name (a receiver in another cluster ignores the round) and one digest per known
    /// endpoint, including the sender.
    case syn(clusterName: String, digests: [GossipDigest])
    /// `requests`: endpoints whose states the SYN's sender should send, each with the version the
    /// receiver already has (0: everything). `states`: deltas the receiver had newer.
    case ack(requests: [GossipDigest], states: [NodeAddress: EndpointState])
    /// The states the ACK requested.
    case ack2(states: [NodeAddress: EndpointState])
}
