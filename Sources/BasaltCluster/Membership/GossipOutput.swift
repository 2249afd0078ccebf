import BasaltCore
/// What a `Gossiper` asks its shell to do, and the membership events it reports, in order.
public enum GossipOutput: Hashable, Sendable {
    /// Send a message to a peer (best effort: gossip tolerates loss).
    case send(GossipMessage, to: NodeAddress)
    /// A node was heard of for the first time; the state is all that is known of it.
    case joined(NodeAddress, EndpointState)
    /// A known node came back with a newer generation (its process restarted); the state replaces
    /// everything known about the old process.
    case restarted(NodeAddress, EndpointState)
    /// A node is considered up (first heard of, or a newer heartbeat after it was convicted).
    case alive(NodeAddress)
    /// The failure detector convicted a node. Its state stays known and keeps being gossiped.
    case dead(NodeAddress)
    /// An application state of a known node changed within the same generation.
    case changed(NodeAddress, ApplicationStateKey, String)
    /// A node that left (STATUS LEFT) was dropped after the quarantine delay.
    case removed(NodeAddress)
    /// A message was ignored, and why.
    case ignored(from: NodeAddress, reason: GossipIgnoredReason)
    /// This process was paused (see `PhiAccrualFailureDetector`); nobody was convicted this round.
    case localPause(Duration)
}

/// Why a `Gossiper` ignored a message.
public enum GossipIgnoredReason: Hashable, Sendable, CustomStringConvertible {
    /// The SYN came from a node of another cluster (a configuration error: a seed list that points
    /// at the wrong cluster). Nothing from it is applied and it is not answered.
    case clusterNameMismatch(expected: String, received: String)

    public var description: String {
        switch self {
        case let .clusterNameMismatch(expected, received):
            "cluster name mismatch: this node is in \"\(expected)\", the sender in \"\(received)\""
        }
    }
}
