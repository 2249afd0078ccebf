import Foundation

/// Virtual time for a simulated cluster: `sleep` parks the task until the simulator advances the
/// clock past its deadline, so a 2 s timeout costs no real time and fires at the same step on every
/// run of a seed. Sleepers due at the same instant wake in the order they went to sleep.
public final class SimulatedClock: Clock, @unchecked Sendable {
    public struct Instant: InstantProtocol, CustomStringConvertible {
        public var offset: Swift.Duration

        public init(offset: Swift.Duration) { self.offset = offset }
        public func advanced(by duration: Swift.Duration) -> Instant { Instant(offset: offset + duration) }
        public func duration(to other: Instant) -> Swift.Duration { other.offset - offset }
        public static func < (a: Instant, b: Instant) -> Bool { a.offset < b.offset }
        public var description: String { "t+\(offset)" }
    }

    private enum Sleeper {
        case waiting(deadline: Instant, continuation: CheckedContinuation<Void, any Error>)
        /// Cancelled before it had registered its continuation.
        case cancelled
    }

    private let lock = NSLock()
    private var current = Instant(offset: .zero)
    private var sleepers: [Int: Sleeper] = [:]
    private var nextID = 0

    public init() {}

    public var now: Instant { lock.withLock { current } }
    public var minimumResolution: Swift.Duration { .nanoseconds(1) }

    public func sleep(until deadline: Instant, tolerance: Swift.Duration? = nil) async throws {
        let id = lock.withLock { () -> Int in
            nextID += 1
            return nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let cancelled = lock.withLock { () -> Bool in
                    if case .cancelled? = sleepers[id] {
                        sleepers[id] = nil
                        return true
                    }
                    sleepers[id] = .waiting(deadline: deadline, continuation: continuation)
                    return false
                }
                if cancelled { continuation.resume(throwing: CancellationError()) }
            }
        } onCancel: {
            let continuation = lock.withLock { () -> CheckedContinuation<Void, any Error>? in
                guard case .waiting(_, let continuation)? = sleepers[id] else {
                    sleepers[id] = .cancelled
                    return nil
                }
                sleepers[id] = nil
                return continuation
            }
            continuation?.resume(throwing: CancellationError())
        }
    }

    /// Moves time to the earliest deadline and wakes every sleeper due then. False when nobody sleeps.
    public func advance() -> Bool {
        let due = lock.withLock { () -> [CheckedContinuation<Void, any Error>] in
            let waiting = sleepers.compactMap { id, sleeper -> (Int, Instant, CheckedContinuation<Void, any Error>)? in
                guard case let .waiting(deadline, continuation) = sleeper else { return nil }
                return (id, deadline, continuation)
            }
            guard let earliest = waiting.map(\.1).min() else { return [] }
            current = max(current, earliest)
            let woken = waiting.filter { $0.1 <= current }.sorted { $0.0 < $1.0 }
            for (id, _, _) in woken { sleepers[id] = nil }
            return woken.map(\.2)
        }
        for continuation in due { continuation.resume() }
        return !due.isEmpty
    }
}
