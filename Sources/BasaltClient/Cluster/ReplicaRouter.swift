/// Which hosts hold a token: the routing half of token awareness.
///
/// Today a token goes to its owner only: the host of the first ring token at or after it,
/// wrapping to the first (a node owns the range `(previous token, its token]`, as in Cassandra).
/// The owner is the first replica under every replication strategy, so this is already correct
/// routing, only without the other replicas to fall back on. The cluster layer's placement code
/// (`BasaltCluster`: TokenRing, SimpleStrategy, NetworkTopologyStrategy) replaces the body of
/// `replicas(for:)`; nothing else in the client depends on how replicas are chosen.
struct ReplicaRouter: Sendable {
    /// Every host's tokens, sorted, with the index of the host that owns each.
    private let ring: [(token: Int64, host: Int)]

    /// `tokens[i]` are the tokens of host `i`.
    init(tokens: [[Int64]]) {
        var ring: [(token: Int64, host: Int)] = []
        for (host, hostTokens) in tokens.enumerated() {
            for token in hostTokens { ring.append((token, host)) }
        }
        ring.sort { $0.token < $1.token }
        self.ring = ring
    }

    /// The hosts holding `token`, the owner first.
    func replicas(for token: Int64) -> [Int] {
        guard !ring.isEmpty else { return [] }
        // Binary search for the first ring token >= token.
        var low = 0
        var high = ring.count
        while low < high {
            let middle = (low + high) / 2
            if ring[middle].token < token { low = middle + 1 } else { high = middle }
        }
        return [ring[low == ring.count ? 0 : low].host]
    }
}
