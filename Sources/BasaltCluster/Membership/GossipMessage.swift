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
///
/// ACK and ACK2 name the generation of the process they answer (`receiverGeneration`). Their
/// contents are relative to what that process knew: a reply in flight when its receiver restarted
/// would otherwise reach the new process, which knows less, and a delta taken for a whole state
/// leaves it believing it has versions it never received (found by simulation seed 893).
public enum GossipMessage: Hashable, Sendable {
    /// The cluster name (a receiver in another cluster ignores the round) and one digest per known
    /// endpoint, including the sender.
    case syn(clusterName: String, digests: [GossipDigest])
    /// `receiverGeneration`: the SYN sender's generation, from its own digest; `senderGeneration`:
    /// this node's, for the ACK2 to name. `requests`: endpoints whose states the SYN's sender should
    /// send, each with the version the receiver already has (0: everything). `states`: deltas the
    /// receiver had newer.
    case ack(receiverGeneration: Int64, senderGeneration: Int64, requests: [GossipDigest], states: [NodeAddress: EndpointState])
    /// The states the ACK requested, for the process that sent the ACK (`receiverGeneration`). A
    /// node going down also pushes its state to each live peer as an ACK2 (`announceShutdown`).
    case ack2(receiverGeneration: Int64, states: [NodeAddress: EndpointState])
}
