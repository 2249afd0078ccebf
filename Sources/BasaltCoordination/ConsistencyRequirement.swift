import BasaltCQLProtocol

/// How many replicas must answer for a consistency level, per group of replicas. A group is a data
/// center, or every replica (`scope == nil`): QUORUM counts replicas anywhere, LOCAL_QUORUM only in
/// the coordinator's data center, EACH_QUORUM a quorum in every data center. A request is met when
/// every group has its count.
public struct ConsistencyRequirement: Hashable, Sendable, CustomStringConvertible {
    /// One counted group: `dataCenter == nil` means replicas in any data center count.
    public struct Group: Hashable, Sendable {
        public var dataCenter: String?
        public var blockFor: Int
    }

    public var consistency: CQLConsistency
    public var groups: [Group]

    /// Replicas that must answer in total (what error bodies report as `blockfor` / `required`).
    public var blockFor: Int { groups.reduce(0) { $0 + $1.blockFor } }

    public var description: String { "\(consistency) blockFor=\(blockFor)" }

    /// The requirement for `consistency` given each data center's replication factor (SimpleStrategy
    /// is one entry under the coordinator's data center). Levels that cannot apply are `QueryError`-like
    /// `ConsistencyRejection`s with Cassandra's wording.
    public static func forLevel(_ consistency: CQLConsistency, isWrite: Bool,
                                replicationFactors: [String: Int], localDataCenter: String) throws(ConsistencyRejection) -> ConsistencyRequirement {
        let total = replicationFactors.values.reduce(0, +)
        let local = replicationFactors[localDataCenter] ?? 0
        func quorum(_ n: Int) -> Int { n / 2 + 1 }
        let groups: [Group]
        switch consistency {
        // ANY is met by a stored hint, so one "answer" suffices even with every replica down.
        case .any:
            guard isWrite else { throw .invalid("ANY ConsistencyLevel is only supported for writes") }
            groups = [Group(dataCenter: nil, blockFor: 1)]
        case .one: groups = [Group(dataCenter: nil, blockFor: 1)]
        case .two: groups = [Group(dataCenter: nil, blockFor: 2)]
        case .three: groups = [Group(dataCenter: nil, blockFor: 3)]
        case .quorum: groups = [Group(dataCenter: nil, blockFor: quorum(total))]
        case .all: groups = [Group(dataCenter: nil, blockFor: total)]
        case .localOne: groups = [Group(dataCenter: localDataCenter, blockFor: 1)]
        case .localQuorum: groups = [Group(dataCenter: localDataCenter, blockFor: quorum(local))]
        case .eachQuorum:
            // Cassandra answers reads at EACH_QUORUM as LOCAL_QUORUM does since 4.0; doing the same
            // keeps a driver's default policies working.
            if !isWrite { return try forLevel(.localQuorum, isWrite: false, replicationFactors: replicationFactors,
                                             localDataCenter: localDataCenter) }
            groups = replicationFactors.sorted { $0.key < $1.key }.filter { $0.value > 0 }
                .map { Group(dataCenter: $0.key, blockFor: quorum($0.value)) }
        // Without Paxos there is nothing serial to do; a read at SERIAL is a quorum read, which is
        // what it reduces to when no conditional write is in progress. Writes must not pretend.
        case .serial, .localSerial:
            guard !isWrite else { throw .invalid("You must use conditional updates for serializable writes") }
            return try forLevel(consistency == .serial ? .quorum : .localQuorum, isWrite: false,
                                replicationFactors: replicationFactors, localDataCenter: localDataCenter)
        }
        let requirement = ConsistencyRequirement(consistency: consistency, groups: groups)
        // A level asking for more replicas than exist can never be met (Cassandra: Unavailable).
        for group in groups {
            let available = group.dataCenter.map { replicationFactors[$0] ?? 0 } ?? total
            if group.blockFor > available || group.blockFor == 0 {
                throw .unavailable(consistency: consistency, required: requirement.blockFor, alive: min(available, total))
            }
        }
        return requirement
    }

    /// The requirement of a write that also goes to pending replicas (nodes about to own the
    /// range, `PendingRanges`): each group needs one more answer per pending replica it counts, as
    /// Cassandra adds the pending count to `blockFor`. Any acknowledgement counts, pending or not,
    /// so a write acknowledged at QUORUM has a quorum both in the replica set before the change and
    /// in the one after it; at ONE with RF=1 both the old and the new owner must have it. ANY stays
    /// met by a hint.
    public func addingPending<S: Sequence>(inDataCenters pending: S) -> ConsistencyRequirement where S.Element == String {
        guard consistency != .any else { return self }
        let (counts, total) = Self.tally(pending)
        var raised = self
        raised.groups = groups.map { group in
            Group(dataCenter: group.dataCenter, blockFor: group.blockFor + (group.dataCenter.map { counts[$0] ?? 0 } ?? total))
        }
        return raised
    }

    /// Whether the replicas in `dataCenters` (one entry per answering replica) meet every group.
    public func isMet<S: Sequence>(byReplicasIn dataCenters: S) -> Bool where S.Element == String {
        let (counts, total) = Self.tally(dataCenters)
        return groups.allSatisfy { ($0.dataCenter.map { counts[$0] ?? 0 } ?? total) >= $0.blockFor }
    }

    /// How many of the replicas in `dataCenters` count towards this requirement (reported as
    /// `received` / `alive` in timeout and unavailable errors).
    public func counted<S: Sequence>(_ dataCenters: S) -> Int where S.Element == String {
        let (counts, total) = Self.tally(dataCenters)
        return groups.reduce(0) { $0 + min($1.blockFor, $1.dataCenter.map { counts[$0] ?? 0 } ?? total) }
    }

    private static func tally<S: Sequence>(_ dataCenters: S) -> (counts: [String: Int], total: Int) where S.Element == String {
        var counts: [String: Int] = [:]
        var total = 0
        for dc in dataCenters {
            counts[dc, default: 0] += 1
            total += 1
        }
        return (counts, total)
    }
}

/// Why a consistency level cannot be used for a request, before anything is sent.
public enum ConsistencyRejection: Error, Hashable, Sendable {
    case invalid(String)
    case unavailable(consistency: CQLConsistency, required: Int, alive: Int)
}
