import BasaltCoordination
import BasaltCQLProtocol
import Testing

@Suite struct ConsistencyRequirementTests {
    static let simple3 = ["dc1": 3]
    static let twoDCs = ["dc1": 3, "dc2": 2]

    // (level, replication factors, expected blockFor) — Cassandra's ConsistencyLevel.blockFor.
    @Test(arguments: [
        (CQLConsistency.one, simple3, 1), (.two, simple3, 2), (.three, simple3, 3), (.quorum, simple3, 2),
        (.all, simple3, 3), (.localOne, simple3, 1), (.localQuorum, simple3, 2), (.any, simple3, 1),
        (.quorum, twoDCs, 3), (.all, twoDCs, 5), (.localQuorum, twoDCs, 2), (.eachQuorum, twoDCs, 4),
        (.quorum, ["dc1": 1], 1), (.quorum, ["dc1": 2], 2), (.quorum, ["dc1": 4], 3), (.quorum, ["dc1": 5], 3),
    ])
    func blockForWrites(level: CQLConsistency, factors: [String: Int], expected: Int) throws {
        let requirement = try ConsistencyRequirement.forLevel(level, isWrite: true, replicationFactors: factors, localDataCenter: "dc1")
        #expect(requirement.blockFor == expected)
    }

    @Test func readsAtSerialAreQuorumReadsAndWritesAreRefused() throws {
        let read = try ConsistencyRequirement.forLevel(.serial, isWrite: false, replicationFactors: Self.simple3, localDataCenter: "dc1")
        #expect(read.blockFor == 2)
        #expect(throws: ConsistencyRejection.self) {
            try ConsistencyRequirement.forLevel(.serial, isWrite: true, replicationFactors: Self.simple3, localDataCenter: "dc1")
        }
        #expect(throws: ConsistencyRejection.invalid("ANY ConsistencyLevel is only supported for writes")) {
            try ConsistencyRequirement.forLevel(.any, isWrite: false, replicationFactors: Self.simple3, localDataCenter: "dc1")
        }
    }

    @Test func levelsAboveTheReplicationFactorAreUnavailable() {
        #expect(throws: ConsistencyRejection.unavailable(consistency: .three, required: 3, alive: 1)) {
            try ConsistencyRequirement.forLevel(.three, isWrite: true, replicationFactors: ["dc1": 1], localDataCenter: "dc1")
        }
        #expect(throws: ConsistencyRejection.self) {
            try ConsistencyRequirement.forLevel(.localOne, isWrite: true, replicationFactors: ["dc2": 3], localDataCenter: "dc1")
        }
    }

    @Test func eachQuorumNeedsAQuorumInEveryDataCenter() throws {
        let requirement = try ConsistencyRequirement.forLevel(.eachQuorum, isWrite: true, replicationFactors: Self.twoDCs,
                                                              localDataCenter: "dc1")
        #expect(!requirement.isMet(byReplicasIn: ["dc1", "dc1", "dc1"]))
        #expect(!requirement.isMet(byReplicasIn: ["dc1", "dc2", "dc2"]))
        #expect(requirement.isMet(byReplicasIn: ["dc1", "dc2", "dc1", "dc2"]))
        #expect(requirement.counted(["dc1", "dc1", "dc1", "dc2"]) == 3)
    }

    @Test func localQuorumCountsOnlyTheLocalDataCenter() throws {
        let requirement = try ConsistencyRequirement.forLevel(.localQuorum, isWrite: true, replicationFactors: Self.twoDCs,
                                                              localDataCenter: "dc1")
        #expect(!requirement.isMet(byReplicasIn: ["dc2", "dc2", "dc1"]))
        #expect(requirement.isMet(byReplicasIn: ["dc2", "dc1", "dc1"]))
    }
}
