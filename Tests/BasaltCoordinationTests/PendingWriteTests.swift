import BasaltCoordination
import BasaltCQLProtocol
import Testing

/// Writes to a range that is moving: the pending replica is written to, and the level needs one
/// more acknowledgement per pending replica (Cassandra's blockFor + pending), any replica counting.
@Suite struct PendingWriteTests {
    typealias Candidate = ReplicaCandidate<String>

    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let consistency: CQLConsistency
        let factors: [String: Int]
        /// (replica, data center, alive).
        let natural: [(String, String, Bool)]
        let pending: [(String, String, Bool)]
        /// nil = Unavailable.
        let blockFor: Int?
        /// Acknowledgements in order, and after which one (1-based) the write is met (nil: never).
        let acks: [String]
        let metAfter: Int?
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "ONE, RF=1, bootstrap: both the old and the new owner", consistency: .one, factors: ["dc1": 1],
             natural: [("a", "dc1", true)], pending: [("n", "dc1", true)], blockFor: 2, acks: ["a", "n"], metAfter: 2),
        Case(name: "ONE, RF=1, the new owner answers first: still needs a second answer", consistency: .one, factors: ["dc1": 1],
             natural: [("a", "dc1", true)], pending: [("n", "dc1", true)], blockFor: 2, acks: ["n", "a"], metAfter: 2),
        Case(name: "QUORUM, RF=3: three of the four", consistency: .quorum, factors: ["dc1": 3],
             natural: [("a", "dc1", true), ("b", "dc1", true), ("c", "dc1", true)], pending: [("n", "dc1", true)],
             blockFor: 3, acks: ["a", "n", "c"], metAfter: 3),
        Case(name: "ONE, RF=1, pending node down: Unavailable", consistency: .one, factors: ["dc1": 1],
             natural: [("a", "dc1", true)], pending: [("n", "dc1", false)], blockFor: nil, acks: [], metAfter: nil),
        Case(name: "LOCAL_ONE: a pending replica in another data center adds nothing", consistency: .localOne,
             factors: ["dc1": 1, "dc2": 1], natural: [("a", "dc1", true), ("x", "dc2", true)], pending: [("n", "dc2", true)],
             blockFor: 1, acks: ["a"], metAfter: 1),
        Case(name: "ANY: a hint still does", consistency: .any, factors: ["dc1": 1],
             natural: [("a", "dc1", false)], pending: [("n", "dc1", false)], blockFor: 1, acks: [], metAfter: nil),
        Case(name: "a pending node already listed as a replica is not counted twice", consistency: .one, factors: ["dc1": 2],
             natural: [("a", "dc1", true), ("b", "dc1", true)], pending: [("b", "dc1", true)], blockFor: 1, acks: ["b"], metAfter: 1),
    ]

    static func candidates(_ spec: [(String, String, Bool)]) -> [Candidate] {
        spec.map { Candidate(replica: $0.0, dataCenter: $0.1, isAlive: $0.2, isLocal: false) }
    }

    @Test(arguments: cases)
    func pendingReplicasRaiseTheLevel(_ c: Case) throws {
        let requirement = try ConsistencyRequirement.forLevel(c.consistency, isWrite: true, replicationFactors: c.factors,
                                                              localDataCenter: "dc1")
        guard let blockFor = c.blockFor else {
            #expect(throws: ConsistencyRejection.self) {
                try WritePlan(requirement: requirement, replicas: Self.candidates(c.natural), pending: Self.candidates(c.pending))
            }
            return
        }
        let plan = try WritePlan(requirement: requirement, replicas: Self.candidates(c.natural), pending: Self.candidates(c.pending))
        #expect(plan.requirement.blockFor == blockFor)
        let everyone = Set((c.natural + c.pending).filter(\.2).map(\.0))
        #expect(Set(plan.targets.map(\.replica)) == everyone, "pending replicas are written to")
        var tracker = ResponseTracker(requirement: plan.requirement, replicas: plan.targets + plan.hinted)
        for (index, replica) in c.acks.enumerated() {
            let outcome = tracker.succeeded(replica)
            #expect((outcome == .met) == (index + 1 >= (c.metAfter ?? .max)), "after \(replica)")
        }
    }
}
