import BasaltCore
import Testing
@testable import BasaltCluster

/// Pending replicas and stream sources for the topology changes, on small single-token rings where
/// every answer can be worked out by hand: nodes 1, 2, 3 at tokens 100, 200, 300 (node i owns
/// `(100(i-1), 100i]`, node 1 also the wrapping range past 300).
@Suite struct PendingRangesTests {
    static let dc = NodeLocation(dataCenter: "dc1", rack: "r1")

    static func ring(_ members: [(Int, [Int64])]) -> TokenRing {
        var ring = TokenRing()
        for (octet, tokens) in members { try! ring.add(node(octet), location: dc, tokens: tokens) }
        return ring
    }

    static let three = ring([(1, [100]), (2, [200]), (3, [300])])

    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let future: TokenRing
        let factor: Int
        let dead: Set<Int>
        /// (start, end, destination, sources), as octets.
        let transfers: [(Int64, Int64, Int, [Int])]
        /// (token, pending replicas).
        let pending: [(Int64, [Int])]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "bootstrap RF=1: the new node takes (100, 150] from node 2, which gives it up",
             future: three.afterChange(joining: [(node(4), dc, [150])], leaving: []), factor: 1, dead: [],
             transfers: [(100, 150, 4, [2])],
             pending: [(120, [4]), (150, [4]), (151, []), (90, [])]),
        Case(name: "bootstrap RF=2: (0, 100] loses node 2 and (100, 150] loses node 3 to the new node; the replica giving it up comes first",
             future: three.afterChange(joining: [(node(4), dc, [150])], leaving: []), factor: 2, dead: [],
             transfers: [(300, 100, 4, [2, 1]), (100, 150, 4, [3, 2])],
             pending: [(50, [4]), (120, [4]), (180, [])]),
        Case(name: "decommission RF=1: node 2's range goes to node 3, streamed from node 2",
             future: three.afterChange(joining: [], leaving: [node(2)]), factor: 1, dead: [],
             transfers: [(100, 200, 3, [2])],
             pending: [(150, [3]), (250, [])]),
        Case(name: "decommission RF=2: node 3 gains (0, 100], node 1 gains (100, 200], each from node 2 first",
             future: three.afterChange(joining: [], leaving: [node(2)]), factor: 2, dead: [],
             transfers: [(300, 100, 3, [2, 1]), (100, 200, 1, [2, 3])],
             pending: [(50, [3]), (150, [1]), (250, [])]),
        Case(name: "removenode RF=2 of dead node 2: the survivors are the sources",
             future: three.afterChange(joining: [], leaving: [node(2)]), factor: 2, dead: [2],
             transfers: [(300, 100, 3, [1]), (100, 200, 1, [3])],
             pending: [(50, [3]), (150, [1])]),
        Case(name: "removenode RF=1 of a dead node: nothing holds its range",
             future: three.afterChange(joining: [], leaving: [node(2)]), factor: 1, dead: [2],
             transfers: [(100, 200, 3, [])],
             pending: [(150, [3])]),
        Case(name: "replace dead node 2 with node 5 at the same token, RF=2",
             future: three.afterChange(joining: [(node(5), dc, [200])], leaving: []), factor: 2, dead: [2],
             transfers: [(300, 100, 5, [1]), (100, 200, 5, [3])],
             pending: [(50, [5]), (150, [5]), (250, [])]),
        Case(name: "no change: nothing pending, nothing to stream",
             future: three, factor: 2, dead: [], transfers: [], pending: [(50, []), (150, [])]),
    ]

    @Test(arguments: cases)
    func pendingReplicasAndSources(_ c: Case) {
        let pending = PendingRanges(current: Self.three, future: c.future, strategy: .simple(replicationFactor: c.factor))
        let transfers = pending.transfers { !c.dead.map(node).contains($0) }
        #expect(transfers == c.transfers.map {
            RangeTransfer(range: TokenRange(start: $0.0, end: $0.1), destination: node($0.2), sources: $0.3.map(node))
        })
        for (token, expected) in c.pending {
            #expect(pending.pendingReplicas(for: token) == expected.map(node), "token \(token)")
        }
    }

    @Test func replacementDropsTheNodeWhoseTokensItClaims() {
        let future = Self.three.afterChange(joining: [(node(5), Self.dc, [200])], leaving: [])
        #expect(future.nodes == [node(1), node(3), node(5)])
        #expect(future.tokens(of: node(5)) == [200])
    }

    @Test func aJoinerCollidingWithPartOfANodesTokensIsLeftOut() {
        let ring = Self.ring([(1, [100, 400]), (2, [200])])
        #expect(ring.afterChange(joining: [(node(5), Self.dc, [100])], leaving: []) == ring)
    }

    /// Every gained range of a vnode bootstrap, put together, is exactly what the new node owns
    /// afterwards, and each comes from the one node that gives it up (RF=1: its previous owner).
    @Test(arguments: [1, 7, 42])
    func vnodeBootstrapStreamsExactlyTheNewOwnership(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        var current = TokenRing()
        for octet in 1...3 {
            let tokens = TokenAllocator.allocateTokens(count: 16, for: node(octet), location: Self.dc, in: current,
                                                       replicationFactor: 1, using: &random)
            try! current.add(node(octet), location: Self.dc, tokens: tokens)
        }
        let joining = TokenAllocator.allocateTokens(count: 16, for: node(4), location: Self.dc, in: current,
                                                    replicationFactor: 1, using: &random)
        let future = current.afterChange(joining: [(node(4), Self.dc, joining)], leaving: [])
        let pending = PendingRanges(current: current, future: future, strategy: .simple(replicationFactor: 1))
        let transfers = pending.transfers { _ in true }
        #expect(transfers.allSatisfy { $0.destination == node(4) && $0.sources.count == 1 })
        let streamed = transfers.reduce(0.0) { $0 + $1.range.fractionOfRing }
        let owned = future.primaryOwnership()[node(4)] ?? 0
        #expect(abs(streamed - owned) < 1e-9)
        for transfer in transfers {
            #expect(current.primaryOwner(of: transfer.range.end) == transfer.sources[0])
            #expect(future.primaryOwner(of: transfer.range.end) == node(4))
        }
    }
}
