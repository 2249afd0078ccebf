import BasaltCore

/// A ring and a replication strategy with every range's replicas computed once, for the hot paths:
/// a coordinator choosing the replicas of each request, a client routing by token, a range scan
/// walking the ring. Rebuild it when the ring or the keyspace's replication changes.
public struct ReplicaPlacement: Sendable {
    public let ring: TokenRing
    public let strategy: ReplicationStrategy
    /// Replicas of the range ending at `ring.tokens[i]`.
    public let replicaLists: [[NodeAddress]]

    /// `localNode` is the replica of `.local` keyspaces; nil (a client) leaves them without replicas.
    public init(ring: TokenRing, strategy: ReplicationStrategy, localNode: NodeAddress? = nil) {
        self.ring = ring
        self.strategy = strategy
        self.replicaLists = strategy.replicaLists(in: ring, localNode: localNode)
        assert(replicaLists.count == ring.tokens.count, "one replica list per ring token")
    }

    /// The replicas of the partition whose token is `token` (empty for an empty ring).
    public func replicas(for token: Int64) -> [NodeAddress] {
        ring.isEmpty ? [] : replicaLists[ring.ringIndex(for: token)]
    }

    /// The replicas of a partition key (its serialized bytes, as the driver's routing key).
    public func replicas(forPartitionKey key: [UInt8]) -> [NodeAddress] {
        replicas(for: Murmur3.token(key))
    }

    /// Every ring range with its replicas, in ring order: the first is the wrapping range
    /// `(tokens[last], tokens[0]]`.
    public var ranges: [ReplicatedRange] {
        ring.tokens.indices.map { ReplicatedRange(range: ring.range(endingAt: $0), replicas: replicaLists[$0]) }
    }

    /// The non-wrapping pieces of `query` (default: the whole ring) split at every ring token, in
    /// ascending token order, each with its replicas: what a coordinator walks for a range scan, one
    /// piece (or several consecutive pieces with the same replicas) per sub-request.
    public func scanRanges(within query: TokenRange = .fullRing) -> [ReplicatedRange] {
        guard !ring.isEmpty else { return [] }
        var pieces: [ReplicatedRange] = []
        for ringRange in ranges {
            for ringPiece in ringRange.range.unwrapped() {
                for queryPiece in query.unwrapped() {
                    let start = max(ringPiece.start, queryPiece.start)
                    let end = min(ringPiece.end, queryPiece.end)
                    if start < end {
                        pieces.append(ReplicatedRange(range: TokenRange(start: start, end: end), replicas: ringRange.replicas))
                    }
                }
            }
        }
        pieces.sort { $0.range.start < $1.range.start }
        return pieces
    }

    /// Effective ownership: for each node, the share of the token space it holds a replica of (what
    /// `nodetool status` calls "Owns (effective)"). The shares add up to the replica count of a range
    /// (the replication factor when every data center has enough nodes).
    public func effectiveOwnership() -> [NodeAddress: Double] {
        var shares: [NodeAddress: Double] = [:]
        for node in ring.nodes { shares[node] = 0 }
        for (index, replicas) in replicaLists.enumerated() {
            let fraction = ring.range(endingAt: index).fractionOfRing
            for replica in replicas { shares[replica, default: 0] += fraction }
        }
        return shares
    }
}

/// A token range and the nodes holding it, in the strategy's replica order.
public struct ReplicatedRange: Hashable, Sendable, CustomStringConvertible {
    public var range: TokenRange
    public var replicas: [NodeAddress]

    public init(range: TokenRange, replicas: [NodeAddress]) {
        self.range = range
        self.replicas = replicas
    }

    public var description: String { "\(range) -> \(replicas.map(\.description).joined(separator: ", "))" }
}

extension TokenRing {
    /// Primary ownership: for each node, the share of the token space whose primary range it owns.
    /// The shares add up to 1 for a non-empty ring.
    public func primaryOwnership() -> [NodeAddress: Double] {
        var shares: [NodeAddress: Double] = [:]
        for node in nodes { shares[node] = 0 }
        for index in tokens.indices { shares[owners[index], default: 0] += range(endingAt: index).fractionOfRing }
        return shares
    }
}
