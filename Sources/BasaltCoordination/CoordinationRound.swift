/// A replicated request as a sequence of pure decisions. The coordinator's shell feeds a round
/// what happened (a replica answered or failed, the timer fired) and carries out the steps it
/// returns (send, ask a spare, store a hint); the round never sends, waits or reads a clock, so a
/// list of events replays every choice it made.
public protocol CoordinationRound: Sendable {
    associatedtype Event: Sendable
    associatedtype Step: Sendable

    /// The steps that open the request.
    mutating func start() -> [Step]

    /// The steps `event` calls for. May decide the outcome; events after that are still handled
    /// (a write that fails after the client was answered still earns its replica a hint).
    mutating func handle(_ event: Event) -> [Step]

    /// Set once, when the request is over for the client.
    var outcome: RoundOutcome? { get }

    /// The event the shell delivers when the request's timeout passes.
    static var timeout: Event { get }
}

/// How a replicated request ended for the client.
public enum RoundOutcome: Hashable, Sendable {
    /// The consistency level was met.
    case met
    /// So many replicas failed that the level can no longer be met.
    case failed
    /// The timeout passed first.
    case timedOut
}
