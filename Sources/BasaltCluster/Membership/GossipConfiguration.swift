/// Tunables of a `Gossiper`. The gossip interval itself belongs to the shell, which calls `tick`
/// once per interval (Cassandra: 1 s); the failure detector's initial interval should be about
/// twice that.
public struct GossipConfiguration: Hashable, Sendable {
    public var failureDetector: PhiAccrualFailureDetector.Configuration
    /// How long a node whose STATUS became LEFT stays known before it is removed, so that the LEFT
    /// state reaches every node first (Cassandra keeps LEFT nodes far longer, three days, because
    /// its nodes remove them at a wall-clock time carried in the state).
    public var quarantineDelay: Duration
    /// How long a removed node's generation is remembered after its removal: gossip about that
    /// generation still in flight, or held by a node that has not removed it yet, is ignored
    /// instead of bringing the node back. A newer generation (the node rejoining) is accepted.
    public var removedEndpointRetention: Duration

    public init(failureDetector: PhiAccrualFailureDetector.Configuration = .init(),
                quarantineDelay: Duration = .seconds(60),
                removedEndpointRetention: Duration = .seconds(3 * 24 * 3600)) {
        precondition(quarantineDelay > .zero && removedEndpointRetention > .zero, "gossip delays must be positive")
        self.failureDetector = failureDetector
        self.quarantineDelay = quarantineDelay
        self.removedEndpointRetention = removedEndpointRetention
    }
}
