import BasaltCluster
import BasaltCore

/// Which hosts hold a token: the routing half of token awareness, on the cluster layer's own ring
/// code (`BasaltCluster.TokenRing`), so the client and the nodes agree on ownership by construction.
///
/// Today a token goes to its owner only: the host of the first ring token at or after it, wrapping
/// (a node owns `(previous token, its token]`). The owner is the first replica under every
/// replication strategy, so this is correct routing, only without the other replicas to fall back
/// on; listing them needs each keyspace's replication (`system_schema.keyspaces`), which the client
/// does not track yet — then `ReplicaPlacement` gives the whole list.
struct ReplicaRouter: Sendable {
    private let ring: TokenRing

    /// `tokens[i]` are the tokens of host `i`. Hosts are named on the ring by their index (the port
    /// of a placeholder address), which is all routing needs to hand back.
    init(tokens: [[Int64]]) {
        var ring = TokenRing()
        for (host, hostTokens) in tokens.enumerated() where !hostTokens.isEmpty {
            // A token claimed twice (a peers table caught mid-change) keeps its first claimant.
            try? ring.add(Self.name(host), location: Self.anywhere, tokens: hostTokens)
        }
        self.ring = ring
    }

    /// The hosts holding `token`, the owner first.
    func replicas(for token: Int64) -> [Int] {
        ring.primaryOwner(of: token).map { [$0.port] } ?? []
    }

    private static func name(_ host: Int) -> NodeAddress { NodeAddress(host: "host", port: host) }

    /// Ownership does not depend on location; the ring only requires one.
    private static let anywhere = NodeLocation(dataCenter: "any", rack: "any")
}
