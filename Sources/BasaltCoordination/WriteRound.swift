/// One replicated write of one or more partitions: each live replica receives one mutation with
/// all of its partitions (`MutationFanout`), replicas known to be down get hints, and a replica
/// that fails or does not answer in time gets a hint too. The write is met when every partition
/// meets its level; it fails as soon as one partition no longer can, and on timeout the first
/// partition still short decides the client's error.
public struct WriteRound<Replica: Hashable & Sendable>: CoordinationRound {
    public typealias Share = MutationFanout<Replica>.Share

    public enum Event: Sendable {
        case acknowledged(Replica)
        /// An error answer or an unreachable replica: counted against the level.
        case failed(Replica)
        /// The replica's own request timed out: not counted either way, but the replica may have
        /// missed the write.
        case unanswered(Replica)
        /// A hint for the replica was stored (only ANY counts it as an acknowledgement).
        case hintStored(Replica)
        case timedOut
    }

    public enum Step: Sendable {
        /// Send the share's partitions to its replica as one mutation.
        case send(Share)
        /// Store a hint of the share's partitions for its replica.
        case hint(Share)
    }

    public static var timeout: Event { .timedOut }

    public let plans: [WritePlan<Replica>]
    private let fanout: MutationFanout<Replica>
    private let targetShare: [Replica: Share]
    private let hintedShare: [Replica: Share]
    public private(set) var trackers: [ResponseTracker<Replica>]
    public private(set) var outcome: RoundOutcome?
    /// The partition (index into `plans`) whose tracker decided a failure or a timeout: its counts
    /// go into the client's error.
    public private(set) var deciding: Int?

    public init(plans: [WritePlan<Replica>]) {
        self.plans = plans
        fanout = MutationFanout(plans)
        targetShare = Dictionary(uniqueKeysWithValues: fanout.targets.map { ($0.replica.replica, $0) })
        hintedShare = Dictionary(uniqueKeysWithValues: fanout.hinted.map { ($0.replica.replica, $0) })
        trackers = plans.map { ResponseTracker(requirement: $0.requirement, replicas: $0.targets + $0.hinted) }
        if plans.isEmpty { outcome = .met }
    }

    public mutating func start() -> [Step] {
        fanout.targets.map(Step.send) + fanout.hinted.map(Step.hint)
    }

    public mutating func handle(_ event: Event) -> [Step] {
        switch event {
        case .acknowledged(let replica):
            count(targetShare[replica], succeeded: true)
            return []
        case .hintStored(let replica):
            if plans.first?.requirement.consistency == .any { count(hintedShare[replica], succeeded: true) }
            return []
        case .failed(let replica):
            count(targetShare[replica], succeeded: false)
            return hint(replica)
        case .unanswered(let replica):
            return hint(replica)
        case .timedOut:
            if outcome == nil {
                outcome = .timedOut
                deciding = trackers.firstIndex { $0.outcome != .met }
            }
            return []
        }
    }

    /// A remote replica that may have missed the write gets a hint; the coordinator's own storage
    /// failing is not something a hint to itself would fix.
    private func hint(_ replica: Replica) -> [Step] {
        guard let share = targetShare[replica], !share.replica.isLocal else { return [] }
        return [.hint(share)]
    }

    private mutating func count(_ share: Share?, succeeded: Bool) {
        guard outcome == nil, let share else { return }
        let replica = share.replica.replica
        for partition in share.partitions {
            let result = succeeded ? trackers[partition].succeeded(replica) : trackers[partition].failed(replica)
            if result == .failed {
                outcome = .failed
                deciding = partition
                return
            }
        }
        if trackers.allSatisfy({ $0.outcome == .met }) { outcome = .met }
    }
}
