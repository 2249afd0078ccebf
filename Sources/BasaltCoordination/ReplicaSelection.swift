import BasaltCQLProtocol

/// What a coordinator knows about one replica of a partition when it plans a request.
public struct ReplicaCandidate<Replica: Hashable & Sendable>: Hashable, Sendable {
    public var replica: Replica
    public var dataCenter: String
    public var isAlive: Bool
    /// The coordinator itself: a read served locally costs no network round trip.
    public var isLocal: Bool

    public init(replica: Replica, dataCenter: String, isAlive: Bool, isLocal: Bool) {
        self.replica = replica
        self.dataCenter = dataCenter
        self.isAlive = isAlive
        self.isLocal = isLocal
    }
}

/// The replicas a write is sent to: every live replica (all data centers, so they converge
/// without repair), and hints for the others. Pure planning; the coordinator carries it out.
public struct WritePlan<Replica: Hashable & Sendable>: Sendable {
    public var requirement: ConsistencyRequirement
    public var targets: [ReplicaCandidate<Replica>]
    public var hinted: [ReplicaCandidate<Replica>]

    /// Throws `.unavailable` before anything is written when too few replicas are alive — the
    /// client learns the write did not happen anywhere. ANY is met by a hint, so it only needs the
    /// write to be stored somewhere.
    ///
    /// `pending` are the nodes about to own the partition's range (a node bootstrapping, or the
    /// new owners while a node leaves): they are written to like replicas, and the requirement
    /// grows by one per pending replica (`ConsistencyRequirement.addingPending`).
    public init(requirement: ConsistencyRequirement, replicas: [ReplicaCandidate<Replica>],
                pending: [ReplicaCandidate<Replica>] = []) throws(ConsistencyRejection) {
        let extra = pending.filter { candidate in !replicas.contains { $0.replica == candidate.replica } }
        let requirement = requirement.addingPending(inDataCenters: extra.map { $0.dataCenter })
        let replicas = replicas + extra
        self.requirement = requirement
        targets = replicas.filter { $0.isAlive }
        hinted = replicas.filter { !$0.isAlive }
        if requirement.consistency != .any, !requirement.isMet(byReplicasIn: targets.map { $0.dataCenter }) {
            throw .unavailable(consistency: requirement.consistency, required: requirement.blockFor,
                               alive: requirement.counted(targets.map { $0.dataCenter }))
        }
    }
}

/// The replicas a read contacts: the fewest live ones that can meet the level, the coordinator
/// first (no network hop), then its own data center, then the rest in ring order. The first
/// answers with data, the others with digests.
public struct ReadPlan<Replica: Hashable & Sendable>: Sendable {
    public var requirement: ConsistencyRequirement
    public var contacts: [ReplicaCandidate<Replica>]
    /// Live replicas not contacted, in preference order: where a read goes when a contacted
    /// replica fails or a digest mismatch needs every replica's data.
    public var spares: [ReplicaCandidate<Replica>]

    public init(requirement: ConsistencyRequirement, replicas: [ReplicaCandidate<Replica>],
                localDataCenter: String) throws(ConsistencyRejection) {
        self.requirement = requirement
        let live = replicas.enumerated().filter { $0.element.isAlive }.sorted { a, b in
            let rankA = a.element.isLocal ? 0 : a.element.dataCenter == localDataCenter ? 1 : 2
            let rankB = b.element.isLocal ? 0 : b.element.dataCenter == localDataCenter ? 1 : 2
            return rankA != rankB ? rankA < rankB : a.offset < b.offset
        }.map { $0.element }
        var chosen: [ReplicaCandidate<Replica>] = []
        var rest: [ReplicaCandidate<Replica>] = []
        for candidate in live {
            // Take a replica only while it still helps a group that is not yet met.
            if !requirement.isMet(byReplicasIn: chosen.map { $0.dataCenter }),
               requirement.counted((chosen + [candidate]).map { $0.dataCenter }) > requirement.counted(chosen.map { $0.dataCenter }) {
                chosen.append(candidate)
            } else {
                rest.append(candidate)
            }
        }
        guard requirement.isMet(byReplicasIn: chosen.map { $0.dataCenter }) else {
            throw .unavailable(consistency: requirement.consistency, required: requirement.blockFor,
                               alive: requirement.counted(live.map { $0.dataCenter }))
        }
        contacts = chosen
        spares = rest
    }
}
