import BasaltCoordination
import BasaltCore
import Foundation

/// Gathers replicas' answers to one request until its consistency requirement is met, it can no
/// longer be met, or time runs out — whichever comes first — while late answers keep arriving
/// (a write still lands on a slow replica after the client was answered).
final class ResponseCollector<Value: Sendable>: @unchecked Sendable {
    enum Outcome: Sendable {
        case met
        case failed
        case timedOut
    }

    private let lock = NSLock()
    private var tracker: ResponseTracker<NodeAddress>
    private var values: [(NodeAddress, Value)] = []
    private var outcome: Outcome?
    private var waiter: CheckedContinuation<Outcome, Never>?

    init(requirement: ConsistencyRequirement, replicas: [ReplicaCandidate<NodeAddress>]) {
        tracker = ResponseTracker(requirement: requirement, replicas: replicas)
    }

    var received: Int { lock.withLock { tracker.received } }
    var failures: Int { lock.withLock { tracker.failures.count } }
    var answers: [(NodeAddress, Value)] { lock.withLock { values } }

    func succeeded(_ replica: NodeAddress, _ value: Value) {
        finish(lock.withLock { () -> Outcome? in
            values.append((replica, value))
            return tracker.succeeded(replica) == .met ? .met : nil
        })
    }

    func failed(_ replica: NodeAddress) {
        finish(lock.withLock { tracker.failed(replica) == .failed ? .failed : nil })
    }

    /// Waits for the outcome, at most `timeout`.
    func wait(timeout: Duration) async -> Outcome {
        let timer = Task { [weak self] in
            try? await Task.sleep(for: timeout)
            self?.finish(.timedOut)
        }
        defer { timer.cancel() }
        return await withCheckedContinuation { continuation in
            let ready: Outcome? = lock.withLock {
                if let outcome { return outcome }
                waiter = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    private func finish(_ result: Outcome?) {
        guard let result else { return }
        let continuation: CheckedContinuation<Outcome, Never>? = lock.withLock {
            guard outcome == nil else { return nil }
            outcome = result
            defer { waiter = nil }
            return waiter
        }
        continuation?.resume(returning: result)
    }
}
