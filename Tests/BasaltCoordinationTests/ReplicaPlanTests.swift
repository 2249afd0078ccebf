import BasaltCoordination
import BasaltCQLProtocol
import Testing

@Suite struct ReplicaPlanTests {
    typealias Candidate = ReplicaCandidate<String>

    static func replicas(_ spec: [(String, String, Bool)], local: String = "a") -> [Candidate] {
        spec.map { Candidate(replica: $0.0, dataCenter: $0.1, isAlive: $0.2, isLocal: $0.0 == local) }
    }

    static func quorum3() throws -> ConsistencyRequirement {
        try ConsistencyRequirement.forLevel(.quorum, isWrite: true, replicationFactors: ["dc1": 3], localDataCenter: "dc1")
    }

    @Test func writesGoToEveryLiveReplicaAndHintTheRest() throws {
        let plan = try WritePlan(requirement: Self.quorum3(), replicas: Self.replicas([("a", "dc1", true), ("b", "dc1", false), ("c", "dc1", true)]))
        #expect(plan.targets.map(\.replica) == ["a", "c"])
        #expect(plan.hinted.map(\.replica) == ["b"])
    }

    @Test func tooFewLiveReplicasIsUnavailableBeforeAnythingIsSent() throws {
        #expect(throws: ConsistencyRejection.unavailable(consistency: .quorum, required: 2, alive: 1)) {
            try WritePlan(requirement: Self.quorum3(), replicas: Self.replicas([("a", "dc1", true), ("b", "dc1", false), ("c", "dc1", false)]))
        }
        let any = try ConsistencyRequirement.forLevel(.any, isWrite: true, replicationFactors: ["dc1": 3], localDataCenter: "dc1")
        let plan = try WritePlan(requirement: any, replicas: Self.replicas([("a", "dc1", false), ("b", "dc1", false), ("c", "dc1", false)]))
        #expect(plan.targets.isEmpty && plan.hinted.count == 3)
    }

    @Test func aMultiPartitionWriteIsOneSharePerReplica() throws {
        let plans = try [
            [("a", "dc1", true), ("b", "dc1", true), ("c", "dc1", false)],
            [("b", "dc1", true), ("c", "dc1", false), ("d", "dc1", true)],
            [("d", "dc1", true), ("a", "dc1", true), ("b", "dc1", true)],
        ].map { try WritePlan(requirement: Self.quorum3(), replicas: Self.replicas($0)) }
        let fanout = MutationFanout(plans)
        #expect(fanout.targets.map(\.replica.replica) == ["a", "b", "d"])
        #expect(fanout.targets.map(\.partitions) == [[0, 2], [0, 1, 2], [1, 2]])
        #expect(fanout.hinted.map(\.replica.replica) == ["c"])
        #expect(fanout.hinted.map(\.partitions) == [[0, 1]])
    }

    @Test func readsPreferTheCoordinatorThenItsDataCenter() throws {
        let requirement = try ConsistencyRequirement.forLevel(.quorum, isWrite: false, replicationFactors: ["dc1": 2, "dc2": 2],
                                                              localDataCenter: "dc1")
        let plan = try ReadPlan(requirement: requirement,
                                replicas: Self.replicas([("x", "dc2", true), ("b", "dc1", true), ("y", "dc2", true), ("a", "dc1", true)]),
                                localDataCenter: "dc1")
        #expect(plan.contacts.map(\.replica) == ["a", "b", "x"])
        #expect(plan.spares.map(\.replica) == ["y"])
    }

    @Test func localQuorumReadsSkipRemoteReplicas() throws {
        let requirement = try ConsistencyRequirement.forLevel(.localQuorum, isWrite: false, replicationFactors: ["dc1": 3, "dc2": 3],
                                                              localDataCenter: "dc1")
        let plan = try ReadPlan(requirement: requirement,
                                replicas: Self.replicas([("x", "dc2", true), ("b", "dc1", false), ("c", "dc1", true), ("d", "dc1", true)], local: "none"),
                                localDataCenter: "dc1")
        #expect(plan.contacts.map(\.replica) == ["c", "d"])
        #expect(throws: ConsistencyRejection.unavailable(consistency: .localQuorum, required: 2, alive: 1)) {
            try ReadPlan(requirement: requirement,
                         replicas: Self.replicas([("x", "dc2", true), ("b", "dc1", false), ("c", "dc1", true), ("d", "dc1", false)]),
                         localDataCenter: "dc1")
        }
    }

    @Test func trackerMeetsAndFailsAtTheRightAnswer() throws {
        let replicas = Self.replicas([("a", "dc1", true), ("b", "dc1", true), ("c", "dc1", true)])
        var tracker = ResponseTracker(requirement: try Self.quorum3(), replicas: replicas)
        #expect(tracker.succeeded("a") == .pending)
        #expect(tracker.succeeded("a") == .pending, "a duplicate answer does not count twice")
        #expect(tracker.succeeded("zz") == .pending, "a stranger does not count")
        #expect(tracker.succeeded("c") == .met)
        #expect(tracker.received == 2)

        var failing = ResponseTracker(requirement: try Self.quorum3(), replicas: replicas)
        #expect(failing.failed("a") == .pending)
        #expect(failing.succeeded("b") == .pending)
        #expect(failing.failed("c") == .failed)
    }
}
