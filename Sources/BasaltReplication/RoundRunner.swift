import BasaltCoordination
import Foundation

/// The shell around one `CoordinationRound`: performs the steps the round returns, feeds it the
/// events that come back from those steps and from its timer, and wakes the request when the
/// round decides its outcome. Its tasks and its timer run on the node's `NodeRuntime`. Late events keep being handled after that (a write still lands on
/// a slow replica, or earns it a hint, after the client was answered).
final class RoundRunner<Round: CoordinationRound>: @unchecked Sendable {
    typealias Perform = @Sendable (_ runner: RoundRunner<Round>, _ step: Round.Step) -> Void

    private let lock = NSLock()
    private var round: Round
    private var waiter: CheckedContinuation<Void, Never>?
    private let runtime: NodeRuntime
    private let perform: Perform

    init(_ round: Round, runtime: NodeRuntime, perform: @escaping Perform) {
        self.round = round
        self.runtime = runtime
        self.perform = perform
    }

    /// Opens the round and waits for its outcome, at most `timeout`; returns the round as it
    /// stood then (its answers and counts make the client's result or error).
    func run(timeout: Duration) async -> Round {
        let steps = lock.withLock { round.start() }
        for step in steps { perform(self, step) }
        let timer = runtime.spawn { [runtime] in
            // Cancelled when the outcome came first: then there is no timeout to report.
            guard (try? await runtime.sleep(for: timeout)) != nil else { return }
            self.deliver(Round.timeout)
        }
        defer { timer.cancel() }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let decided = lock.withLock {
                if round.outcome != nil { return true }
                waiter = continuation
                return false
            }
            if decided { continuation.resume() }
        }
        return lock.withLock { round }
    }

    func deliver(_ event: Round.Event) {
        let (steps, waiter) = lock.withLock { () -> ([Round.Step], CheckedContinuation<Void, Never>?) in
            let steps = round.handle(event)
            guard round.outcome != nil, let waiter = self.waiter else { return (steps, nil) }
            self.waiter = nil
            return (steps, waiter)
        }
        for step in steps { perform(self, step) }
        waiter?.resume()
    }
}
