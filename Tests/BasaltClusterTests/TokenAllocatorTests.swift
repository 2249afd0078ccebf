import BasaltCore
import Testing
@testable import BasaltCluster

/// Balance achieved by `TokenAllocator` as nodes join one at a time, 16 tokens each, one data center.
/// Measured up to 12 nodes: max/min primary ownership at most 1.08 and max/min RF=3 ownership at most
/// 1.12 (the worst is the fourth node; from the fifth on both stay under 1.08). The allocation does
/// not depend on the seed beyond a rotation of the whole ring, so every seed gives the same figures.
/// Continuing to 24 nodes the worst seen is 1.10 / 1.13.
@Suite struct TokenAllocatorTests {
    static let primaryBound = 1.10
    static let replicatedBound = 1.15

    static func spread(_ shares: [NodeAddress: Double]) -> Double {
        shares.values.max()! / shares.values.min()!
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func nodesJoiningOneByOneStayBalanced(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        var ring = TokenRing()
        let location = NodeLocation(dataCenter: "dc1", rack: "r1")
        for octet in 1...12 {
            let tokens = TokenAllocator.allocateTokens(for: node(octet), location: location, in: ring, using: &random)
            #expect(tokens.count == 16)
            try ring.add(node(octet), location: location, tokens: tokens)
            guard octet >= 2 else { continue }
            let primary = Self.spread(ring.primaryOwnership())
            let replicated = Self.spread(ReplicaPlacement(ring: ring, strategy: .simple(replicationFactor: 3)).effectiveOwnership())
            #expect(primary <= Self.primaryBound, "seed \(seed), \(octet) nodes: primary max/min \(primary)")
            #expect(replicated <= Self.replicatedBound, "seed \(seed), \(octet) nodes: RF=3 max/min \(replicated)")
        }
    }

    /// Each data center is balanced on its own ring; the other data center's tokens do not disturb it.
    @Test func dataCentersAreBalancedIndependently() throws {
        var random = SplitMix64(seed: 7)
        var ring = TokenRing()
        for octet in 1...12 {
            let location = NodeLocation(dataCenter: octet % 2 == 0 ? "east" : "west", rack: "r1")
            let tokens = TokenAllocator.allocateTokens(for: node(octet), location: location, in: ring, using: &random)
            try ring.add(node(octet), location: location, tokens: tokens)
        }
        let placement = ReplicaPlacement(ring: ring, strategy: .networkTopology(["east": 3, "west": 3]))
        let ownership = placement.effectiveOwnership()
        for dataCenter in ["east", "west"] {
            let shares = ownership.filter { ring.location(of: $0.key)?.dataCenter == dataCenter }
            #expect(Self.spread(shares) <= Self.replicatedBound, "\(dataCenter): \(shares)")
            #expect(abs(shares.values.reduce(0, +) - 3) < 1e-9)
        }
    }

    /// The first node of a data center gets evenly spaced tokens (rotated by the random source).
    @Test func firstNodeTokensAreEvenlySpaced() {
        var random = SplitMix64(seed: 11)
        let tokens = TokenAllocator.allocateTokens(count: 8, for: node(1), location: NodeLocation(dataCenter: "dc1", rack: "r1"),
                                                   in: TokenRing(), using: &random)
        #expect(tokens == tokens.sorted() && tokens.count == 8)
        // Every gap, including the one wrapping past the largest token, is 2^64 / 8.
        let gaps = zip(tokens, tokens.dropFirst() + [tokens[0]]).map { UInt64(bitPattern: $1 &- $0) }
        #expect(gaps.allSatisfy { $0 == 1 << 61 })
    }

    @Test func allocationIsDeterministicForARingAndSeed() throws {
        func build(seed: UInt64) throws -> TokenRing {
            var random = SplitMix64(seed: seed)
            var ring = TokenRing()
            for octet in 1...4 {
                let location = NodeLocation(dataCenter: "dc1", rack: "r1")
                try ring.add(node(octet), location: location,
                             tokens: TokenAllocator.allocateTokens(for: node(octet), location: location, in: ring, using: &random))
            }
            return ring
        }
        #expect(try build(seed: 5) == build(seed: 5))
        #expect(try build(seed: 5) != build(seed: 6))
    }
}
