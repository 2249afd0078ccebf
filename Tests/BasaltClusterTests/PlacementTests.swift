import BasaltCore
import Testing
@testable import BasaltCluster

/// One row of the driver-generated table: the strategy's name, a probe token and the replica list
/// the Python driver computed (nodes as the last octet of 127.0.0.x).
struct PlacementCase: Sendable, CustomTestStringConvertible {
    let strategy: String
    let token: Int64
    let replicas: [Int]

    init(_ strategy: String, _ token: Int64, _ replicas: [Int]) {
        self.strategy = strategy
        self.token = token
        self.replicas = replicas
    }

    var testDescription: String { "\(strategy) @ \(token)" }
}

func node(_ octet: Int) -> NodeAddress { NodeAddress(host: "127.0.0.\(octet)", port: 7000) }

@Suite struct PlacementTests {
    static let vectorRing: TokenRing = {
        var ring = TokenRing()
        for entry in PlacementVectors.nodes {
            try! ring.add(node(entry.octet), location: NodeLocation(dataCenter: entry.dataCenter, rack: entry.rack),
                          tokens: entry.tokens)
        }
        return ring
    }()

    static let placements: [String: ReplicaPlacement] = PlacementVectors.strategies.mapValues {
        ReplicaPlacement(ring: vectorRing, strategy: $0)
    }

    @Test(arguments: PlacementVectors.cases)
    func replicasMatchThePythonDriver(_ vector: PlacementCase) throws {
        let placement = try #require(Self.placements[vector.strategy])
        #expect(placement.replicas(for: vector.token) == vector.replicas.map(node))
        // The one-off computation agrees with the precomputed one.
        let direct = placement.strategy.replicaLists(in: Self.vectorRing)[Self.vectorRing.ringIndex(for: vector.token)]
        #expect(direct == vector.replicas.map(node))
    }

    /// Driver 3.30 answers [A1, B1, A2, A2] here (A2 set aside twice, once per vnode); Cassandra
    /// places {A1, A2, A3, B1}. Basalt keeps the driver's order with Cassandra's set.
    @Test func networkTopologyNeverRepeatsANodeSetAsideTwice() throws {
        var ring = TokenRing()
        let rackA = NodeLocation(dataCenter: "dc", rack: "A")
        try ring.add(node(1), location: rackA, tokens: [0])
        try ring.add(node(2), location: rackA, tokens: [10, 20])
        try ring.add(node(4), location: NodeLocation(dataCenter: "dc", rack: "B"), tokens: [30])
        try ring.add(node(3), location: rackA, tokens: [40])
        let placement = ReplicaPlacement(ring: ring, strategy: .networkTopology(["dc": 4]))
        #expect(placement.replicas(for: 0) == [node(1), node(4), node(2), node(3)])
    }

    @Test func tokenBelongsToTheFirstRingTokenAtOrAfterIt() throws {
        var ring = TokenRing()
        let location = NodeLocation(dataCenter: "dc1", rack: "r1")
        try ring.add(node(1), location: location, tokens: [-100, 100])
        try ring.add(node(2), location: location, tokens: [0])
        let cases: [(Int64, Int)] = [(.min, 1), (-101, 1), (-100, 1), (-99, 2), (0, 2), (1, 1), (100, 1), (101, 1), (.max, 1)]
        for (token, owner) in cases {
            #expect(ring.primaryOwner(of: token) == node(owner), "token \(token)")
        }
        #expect(ring.tokens(of: node(1)) == [-100, 100])
        #expect(ring.dataCenters == ["dc1"] && Self.vectorRing.dataCenters == ["dc1", "dc2", "dc3"])
        #expect(ring.range(endingAt: 0) == TokenRange(start: 100, end: -100))
        ring.remove(node(1))
        #expect(ring.tokens == [0] && ring.nodes == [node(2)])
        #expect(ring.primaryOwner(of: .max) == node(2))
        #expect(TokenRing().primaryOwner(of: 0) == nil)
    }

    @Test func addingAConflictingNodeLeavesTheRingUnchanged() throws {
        var ring = TokenRing()
        let location = NodeLocation(dataCenter: "dc1", rack: "r1")
        try ring.add(node(1), location: location, tokens: [5, 50])
        let before = ring
        #expect(throws: TokenRingError.tokenAlreadyOwned(50, by: node(1))) {
            try ring.add(node(2), location: location, tokens: [7, 50])
        }
        #expect(throws: TokenRingError.nodeAlreadyInRing(node(1))) { try ring.add(node(1), location: location, tokens: [9]) }
        #expect(throws: TokenRingError.duplicateToken(8, node(3))) { try ring.add(node(3), location: location, tokens: [8, 8]) }
        #expect(throws: TokenRingError.noTokens(node(3))) { try ring.add(node(3), location: location, tokens: []) }
        let unnamed = NodeLocation(dataCenter: "dc1", rack: "")
        #expect(throws: TokenRingError.emptyLocationName(node(3), unnamed)) { try ring.add(node(3), location: unnamed, tokens: [9]) }
        #expect(ring == before)
    }

    @Test func tokenRangesContainTheirEndButNotTheirStart() {
        let plain = TokenRange(start: -10, end: 10)
        #expect(!plain.contains(-10) && plain.contains(-9) && plain.contains(10) && !plain.contains(11))
        #expect(plain.unwrapped() == [plain] && !plain.isWrapping)
        let wrapping = TokenRange(start: 10, end: -10)
        #expect(wrapping.contains(.max) && wrapping.contains(.min) && wrapping.contains(-10) && !wrapping.contains(0))
        #expect(wrapping.unwrapped() == [TokenRange(start: .min, end: -10), TokenRange(start: 10, end: .max)])
        #expect(TokenRange(start: 10, end: .min).unwrapped() == [TokenRange(start: 10, end: .max)])
        #expect(TokenRange(start: .max, end: 5).unwrapped() == [TokenRange(start: .min, end: 5)])
        #expect(TokenRange.fullRing.contains(42) && TokenRange(start: 3, end: 3).isFullRing)
        #expect(TokenRange.fullRing.unwrapped() == [TokenRange(start: .min, end: .max)])
        #expect(TokenRange(start: 0, end: Int64.max).fractionOfRing == 0.5)
    }

    /// The scan pieces tile (min, max] in order, and each piece's replicas are those of every token in it.
    @Test(arguments: ["simple3", "nts_dc1_3_dc2_2"])
    func scanRangesTileTheTokenSpace(_ strategy: String) throws {
        let placement = try #require(Self.placements[strategy])
        let pieces = placement.scanRanges()
        #expect(pieces.count == Self.vectorRing.tokens.count + 1)
        #expect(pieces.first?.range.start == .min && pieces.last?.range.end == .max)
        for (previous, next) in zip(pieces, pieces.dropFirst()) { #expect(previous.range.end == next.range.start) }
        for piece in pieces {
            #expect(placement.replicas(for: piece.range.end) == piece.replicas)
            #expect(placement.replicas(for: piece.range.start &+ 1) == piece.replicas)
        }
    }

    @Test func scanRangesClipAWrappingQuery() throws {
        var ring = TokenRing()
        let location = NodeLocation(dataCenter: "dc1", rack: "r1")
        try ring.add(node(1), location: location, tokens: [-100, 100])
        try ring.add(node(2), location: location, tokens: [0])
        let placement = ReplicaPlacement(ring: ring, strategy: .simple(replicationFactor: 2))
        let pieces = placement.scanRanges(within: TokenRange(start: 50, end: -150))
        #expect(pieces == [
            ReplicatedRange(range: TokenRange(start: .min, end: -150), replicas: [node(1), node(2)]),
            ReplicatedRange(range: TokenRange(start: 50, end: 100), replicas: [node(1), node(2)]),
            ReplicatedRange(range: TokenRange(start: 100, end: .max), replicas: [node(1), node(2)]),
        ])
        #expect(placement.ranges.map(\.range) == [TokenRange(start: 100, end: -100), TokenRange(start: -100, end: 0),
                                                  TokenRange(start: 0, end: 100)])
    }

    @Test func ownershipSharesAddUp() throws {
        let primary = Self.vectorRing.primaryOwnership()
        #expect(abs(primary.values.reduce(0, +) - 1) < 1e-9)
        let simple = try #require(Self.placements["simple3"]).effectiveOwnership()
        #expect(abs(simple.values.reduce(0, +) - 3) < 1e-9)
        let topology = try #require(Self.placements["nts_dc1_3_dc2_2"]).effectiveOwnership()
        #expect(abs(topology.values.reduce(0, +) - 5) < 1e-9)
        // dc3 holds no replicas under this keyspace.
        #expect(topology[node(10)] == 0 && topology[node(11)] == 0)
        var single = TokenRing()
        try single.add(node(1), location: NodeLocation(dataCenter: "dc1", rack: "r1"), tokens: [42])
        #expect(single.primaryOwnership() == [node(1): 1])
    }

    @Test func localStrategyReplicatesOnlyOnTheLocalNode() {
        let onNode = ReplicaPlacement(ring: Self.vectorRing, strategy: .local, localNode: node(3))
        #expect(onNode.replicas(forPartitionKey: Array("key".utf8)) == [node(3)])
        let onClient = ReplicaPlacement(ring: Self.vectorRing, strategy: .local)
        #expect(onClient.replicas(for: 0).isEmpty)
        #expect(ReplicaPlacement(ring: TokenRing(), strategy: .simple(replicationFactor: 3)).replicas(for: 0).isEmpty)
    }

    @Test func partitionKeysAreRoutedByTheirMurmur3Token() throws {
        let placement = try #require(Self.placements["simple3"])
        let key: [UInt8] = Array("hello".utf8)
        #expect(placement.replicas(forPartitionKey: key) == placement.replicas(for: -3_758_069_500_696_749_310))
    }
}
