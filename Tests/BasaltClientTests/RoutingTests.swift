import BasaltCQLProtocol
import Testing

@testable import BasaltClient

/// Token-aware routing: the routing key a bound statement builds, its Murmur3 token (vectors from
/// the protocol notes, computed by the python driver), the owner on the ring, and the query plan.
@Suite struct RoutingTests {
    static func prepared(_ markers: [(String, CQLDataType)], keyIndexes: [UInt16]) -> PreparedStatement {
        let specs = markers.map { CQLColumnSpec(keyspace: "ks", table: "t", name: $0.0, type: $0.1) }
        let metadata = CQLPrepared(
            id: [1, 2, 3], bindMarkers: specs, partitionKeyIndexes: keyIndexes,
            resultMetadata: CQLRowsMetadata(noMetadataColumnCount: 0))
        return PreparedStatement(query: "INSERT ...", prepared: metadata)
    }

    @Test func singleColumnKeysHashTheirValue() throws {
        #expect(try Self.prepared([("k", .int)], keyIndexes: [0]).bind(Int32(1)).routingToken == -4_069_959_284_402_364_209)
        #expect(try Self.prepared([("k", .bigint)], keyIndexes: [0]).bind(1).routingToken == 6_292_367_497_774_912_474)
        #expect(try Self.prepared([("k", .text)], keyIndexes: [0]).bind("hello").routingToken == -3_758_069_500_696_749_310)
    }

    @Test func compositeKeysAreCompositeType() throws {
        // notes §3: (int 1, text 'a') → 0004 00000001 00 0001 61 00, token 6516349416904725244.
        let statement = Self.prepared([("v", .text), ("b", .text), ("a", .int)], keyIndexes: [2, 1])
        let bound = try statement.bind("value", "a", Int32(1))
        guard case .bound(_, let values) = bound.body else { Issue.record("not bound"); return }
        #expect(PreparedStatement.routingKey(values, [2, 1]) == [0, 4, 0, 0, 0, 1, 0, 0, 1, 0x61, 0])
        #expect(bound.routingToken == 6_516_349_416_904_725_244)
    }

    @Test func noTokenWithoutTheWholeKey() throws {
        #expect(try Self.prepared([("k", .int)], keyIndexes: []).bind(Int32(1)).routingToken == nil)
        #expect(try Self.prepared([("k", .int)], keyIndexes: [0]).bind(Optional<Int32>.none).routingToken == nil)
        #expect(try Self.prepared([("k", .int), ("c", .int)], keyIndexes: [0]).bind(named: ["c": Int32(1)]).routingToken == nil)
        var simple = Statement("SELECT * FROM ks.t WHERE k = 1")
        #expect(simple.routingToken == nil)
        simple.routingKey = [0, 0, 0, 1]
        #expect(simple.routingToken == -4_069_959_284_402_364_209)
    }

    /// Host 0 owns tokens (-100, 0] and (100, min]; host 1 owns (0, 100].
    static let router = ReplicaRouter(tokens: [[0, -100], [100]])

    @Test(arguments: [(Int64(-100), 0), (-99, 0), (0, 0), (1, 1), (100, 1), (101, 0), (.max, 0), (.min, 0)])
    func ownerIsTheFirstRingTokenAtOrAfter(token: Int64, owner: Int) {
        #expect(Self.router.replicas(for: token) == [owner])
    }

    @Test func emptyRingHasNoReplicas() {
        #expect(ReplicaRouter(tokens: [[], []]).replicas(for: 5).isEmpty)
    }

    /// (replicas, data centers, up, rotation) → plan.
    static let plans: [([Int], [String?], [Bool], Int, [Int])] = [
        ([2], ["dc1", "dc1", "dc1"], [true, true, true], 0, [2, 0, 1]),  // replica first, then round-robin
        ([2], ["dc1", "dc1", "dc1"], [true, true, true], 1, [2, 1, 0]),
        ([2], ["dc1", "dc1", "dc1"], [true, true, false], 0, [0, 1]),  // a down replica is skipped
        ([], ["dc1", "dc1", "dc1"], [true, true, true], 5, [2, 0, 1]),  // no key: rotated
        ([1], ["dc1", "dc2", "dc1"], [true, true, true], 0, [0, 2, 1]),  // remote replica not preferred
        ([], ["dc2", "dc1", "dc2"], [true, true, true], 0, [1, 0, 2]),  // local data center first
        ([], ["dc1"], [false], 0, []),
    ]

    @Test(arguments: plans)
    func queryPlanOrder(replicas: [Int], dataCenters: [String?], isUp: [Bool], rotation: Int, expected: [Int]) {
        let plan = QueryPlan.order(replicas: replicas, dataCenters: dataCenters, localDataCenter: "dc1", isUp: isUp, rotation: rotation)
        #expect(plan == expected)
    }
}
