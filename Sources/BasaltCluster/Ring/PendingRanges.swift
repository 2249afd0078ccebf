import BasaltCore

/// A topology change in progress, for one replication strategy: the ring as it is (`current`, what
/// reads use) and as it will be once every joining node is NORMAL and every leaving or removed node
/// is gone (`future`). From the two placements follow the replicas a write must also reach (a node
/// that will hold a range it does not hold yet is *pending* for it) and the data each gaining node
/// has to stream, with where from.
///
/// Cassandra computes the same per joining or leaving node; computing it over the combined future
/// ring is the same when one change runs at a time, which is all `ClusterNode` lets happen.
public struct PendingRanges: Sendable {
    public let current: ReplicaPlacement
    public let future: ReplicaPlacement

    public init(current: TokenRing, future: TokenRing, strategy: ReplicationStrategy, localNode: NodeAddress? = nil) {
        self.current = ReplicaPlacement(ring: current, strategy: strategy, localNode: localNode)
        self.future = current == future ? self.current : ReplicaPlacement(ring: future, strategy: strategy, localNode: localNode)
    }

    /// No node gains or loses anything.
    public var isSettled: Bool { current.ring == future.ring }

    /// The nodes that will be replicas of `token` but are not yet: writes go to them as well.
    public func pendingReplicas(for token: Int64) -> [NodeAddress] {
        if isSettled || future.ring.isEmpty { return [] }
        let now = current.replicas(for: token)
        return future.replicas(for: token).filter { !now.contains($0) }
    }

    /// Every piece of the ring a node gains, with the current replicas to stream it from in
    /// preference order. The pieces are the ring split at every token of either ring, so each has
    /// one replica list now and one in the future; neighbouring pieces with the same destination
    /// and sources are merged.
    ///
    /// Source order ("strict" source selection, as Cassandra's for bootstrap): first the live
    /// replicas that give the range up — the only ones certain to hold every write acknowledged
    /// for it, since a replica that stays may have missed some; then the other live current
    /// replicas, in replica order (when the one giving it up is dead, as for removenode or replace,
    /// the survivors are all there is). A gained piece with no live source is listed with none.
    public func transfers(isAlive: (NodeAddress) -> Bool) -> [RangeTransfer] {
        if isSettled || future.ring.isEmpty { return [] }
        var transfers: [RangeTransfer] = []
        for piece in pieces() {
            let now = current.ring.isEmpty ? [] : current.replicas(for: piece.end)
            let then = future.replicas(for: piece.end)
            let givingUp = now.filter { !then.contains($0) && isAlive($0) }
            let staying = now.filter { then.contains($0) && isAlive($0) }
            for destination in then where !now.contains(destination) {
                let sources = (givingUp + staying).filter { $0 != destination }
                let transfer = RangeTransfer(range: piece, destination: destination, sources: sources)
                if let last = transfers.indices.last(where: { transfers[$0].destination == destination }),
                   transfers[last].range.end == piece.start, transfers[last].sources == sources {
                    transfers[last].range.end = piece.end
                } else {
                    transfers.append(transfer)
                }
            }
        }
        return transfers
    }

    /// The ring split at every token of both rings, in ascending order of end token, the first
    /// piece wrapping (as `ReplicaPlacement.ranges` lists them).
    private func pieces() -> [TokenRange] {
        let tokens = Array(Set(current.ring.tokens).union(future.ring.tokens)).sorted()
        guard let last = tokens.last else { return [] }
        return tokens.indices.map { TokenRange(start: $0 == 0 ? last : tokens[$0 - 1], end: tokens[$0]) }
    }
}

/// A range a node gains in a topology change and the current replicas that hold it, best first.
public struct RangeTransfer: Hashable, Sendable, CustomStringConvertible {
    public var range: TokenRange
    public var destination: NodeAddress
    public var sources: [NodeAddress]

    public init(range: TokenRange, destination: NodeAddress, sources: [NodeAddress]) {
        self.range = range
        self.destination = destination
        self.sources = sources
    }

    public var description: String {
        "\(range) -> \(destination) from [\(sources.map(\.description).joined(separator: ", "))]"
    }
}

extension TokenRing {
    /// The ring once a topology change is done: `joining` nodes added with their tokens, `leaving`
    /// nodes removed, and any node every one of whose tokens a joining node claims removed too (the
    /// dead node a replacement takes over). A joining node whose tokens collide otherwise is left
    /// out, as the live ring leaves out a second claimant.
    public func afterChange(joining: [(node: NodeAddress, location: NodeLocation, tokens: [Int64])],
                            leaving: Set<NodeAddress>) -> TokenRing {
        var ring = self
        for node in leaving { ring.remove(node) }
        for joiner in joining {
            let claimed = Set(joiner.tokens)
            for node in ring.nodes where node != joiner.node && Set(ring.tokens(of: node)).isSubset(of: claimed) {
                ring.remove(node)
            }
            try? ring.add(joiner.node, location: joiner.location, tokens: joiner.tokens)
        }
        return ring
    }
}
