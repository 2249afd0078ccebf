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
    /// The SYN did not carry its sender's own digest, so an ACK could not name the process it
    /// answers. Every gossiper includes itself; such a SYN is not answered.
    case synWithoutSenderDigest
    /// An ACK or ACK2 answered an earlier process of this node (`answered`, the generation it
    /// names): its contents are relative to what that process knew. Expected for a moment after
    /// every restart, while replies to the old process are still in flight.
    case staleReply(answered: Int64, localGeneration: Int64)

    /// Whether the reason points at a problem an operator should see (a stale reply does not).
    public var isWorthAWarning: Bool {
        if case .staleReply = self { false } else { true }
    }

    public var description: String {
        switch self {
        case let .clusterNameMismatch(expected, received):
            "cluster name mismatch: this node is in \"\(expected)\", the sender in \"\(received)\""
        case .synWithoutSenderDigest:
            "a SYN without its sender's digest"
        case let .staleReply(answered, localGeneration):
            "a reply to generation \(answered) of this node, which is now at generation \(localGeneration)"
        }
    }
}
