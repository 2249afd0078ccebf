/// One replicated read of a partition or of a token range: ask the plan's contacts (the first for
/// data, the others for digests), replace a contact that fails by the next spare, asked for data
/// (the failed one may have been the data replica), and end when the level is met, can no longer
/// be met, or the timeout passes. A slow contact is not replaced: the read as a whole times out at
/// the same moment, so a spare could not answer sooner.
public struct ReadRound<Replica: Hashable & Sendable, Answer: Sendable>: CoordinationRound {
    public enum Event: Sendable {
        case answered(Replica, Answer)
        /// Refused, unreachable, or an error answer (as from a node that died but is not yet convicted).
        case failed(Replica)
        case timedOut
    }

    /// Ask `contact` for its data (`data`) or only for a digest of it.
    public struct Ask: Hashable, Sendable {
        public var contact: ReplicaCandidate<Replica>
        public var data: Bool

        public init(_ contact: ReplicaCandidate<Replica>, data: Bool) {
            self.contact = contact
            self.data = data
        }
    }

    public static var timeout: Event { .timedOut }

    public private(set) var tracker: ResponseTracker<Replica>
    private let contacts: [ReplicaCandidate<Replica>]
    private var spares: [ReplicaCandidate<Replica>]
    /// Answers that arrived before the outcome, in arrival order.
    public private(set) var answers: [(replica: Replica, answer: Answer)] = []
    public private(set) var outcome: RoundOutcome?

    public init(plan: ReadPlan<Replica>) {
        tracker = ResponseTracker(requirement: plan.requirement, replicas: plan.contacts + plan.spares)
        contacts = plan.contacts
        spares = plan.spares
    }

    public mutating func start() -> [Ask] {
        contacts.enumerated().map { Ask($0.element, data: $0.offset == 0) }
    }

    public mutating func handle(_ event: Event) -> [Ask] {
        guard outcome == nil else { return [] }
        switch event {
        case .answered(let replica, let answer):
            answers.append((replica, answer))
            if tracker.succeeded(replica) == .met { outcome = .met }
            return []
        case .failed(let replica):
            // The tracker counts untried spares as possible, so it gives up only when they cannot help.
            if tracker.failed(replica) == .failed {
                outcome = .failed
                return []
            }
            return spares.isEmpty ? [] : [Ask(spares.removeFirst(), data: true)]
        case .timedOut:
            outcome = .timedOut
            return []
        }
    }

    /// Whether any answer carries data rather than a digest (the `data_present` of read errors).
    public func anyData(_ isData: (Answer) -> Bool) -> Bool { answers.contains { isData($0.answer) } }
}
