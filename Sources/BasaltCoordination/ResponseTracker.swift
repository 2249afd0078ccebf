/// Counts the answers to one replicated request against its requirement. Pure: the coordinator
/// feeds it answers and failures as they arrive and acts on the outcome.
public struct ResponseTracker<Replica: Hashable & Sendable>: Sendable {
    public enum Outcome: Hashable, Sendable {
        case pending
        /// Enough replicas answered: the client can be told.
        case met
        /// So many replicas failed that the level can no longer be met.
        case failed
    }

    public let requirement: ConsistencyRequirement
    private let dataCenters: [Replica: String]
    public private(set) var answered: [Replica] = []
    public private(set) var failures: [Replica] = []
    public private(set) var outcome: Outcome = .pending

    public init(requirement: ConsistencyRequirement, replicas: [ReplicaCandidate<Replica>]) {
        self.requirement = requirement
        dataCenters = Dictionary(replicas.map { ($0.replica, $0.dataCenter) }, uniquingKeysWith: { a, _ in a })
    }

    /// Replicas counted towards the requirement so far (the `received` of a timeout error).
    public var received: Int { requirement.counted(answered.compactMap { dataCenters[$0] }) }

    public mutating func succeeded(_ replica: Replica) -> Outcome {
        guard outcome == .pending, dataCenters[replica] != nil, !answered.contains(replica), !failures.contains(replica)
        else { return outcome }
        answered.append(replica)
        if requirement.isMet(byReplicasIn: answered.compactMap { dataCenters[$0] }) { outcome = .met }
        return outcome
    }

    public mutating func failed(_ replica: Replica) -> Outcome {
        guard outcome == .pending, dataCenters[replica] != nil, !answered.contains(replica), !failures.contains(replica)
        else { return outcome }
        failures.append(replica)
        // Met is still possible only if the replicas that have not failed could meet it.
        let possible = dataCenters.filter { !failures.contains($0.key) }.map { $0.value }
        if !requirement.isMet(byReplicasIn: possible) { outcome = .failed }
        return outcome
    }
}
