import Foundation
import Synchronization

/// One seeded simulation: a virtual clock and a serial executor that every task of a simulated
/// cluster runs on — coordinators, replicas, hints, gossip rounds and the network's deliveries.
/// `drive` runs a scenario to its end on a thread of its own: it runs ready jobs in the order the
/// seed picks, and when none is ready moves the clock to the next timer. When neither a job nor a
/// timer is left before the scenario ends, nothing could ever happen again: that is a deadlock,
/// reported with the seed.
public final class Simulation: Sendable {
    public struct Stalled: Error, CustomStringConvertible {
        public var seed: UInt64
        public var steps: Int
        public var time: SimulatedClock.Instant
        public var description: String { "seed \(seed): nothing can happen any more after \(steps) steps at \(time) (deadlock)" }
    }

    public let seed: UInt64
    public let clock = SimulatedClock()
    public let executor: SimulationExecutor

    public init(seed: UInt64) {
        self.seed = seed
        executor = SimulationExecutor(seed: seed)
    }

    /// Starts `body` as a task of the simulation (an unstructured task does not inherit the
    /// executor of the task that starts it, so every task of the simulation starts here).
    @discardableResult
    public func spawn(_ body: @escaping @Sendable () async -> Void) -> Task<Void, Never> {
        Task(executorPreference: executor) { await body() }
    }

    public func sleep(for duration: Duration) async throws { try await clock.sleep(for: duration) }

    /// Runs `scenario` on the simulation and returns what it returns. Whatever runs forever (gossip
    /// rounds) must be stopped by the scenario before it returns: the work left after it is run out.
    public func drive<T: Sendable>(_ scenario: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let outcome = Mutex<Result<T, any Error>?>(nil)
            // Made here, on the caller's task, so that the scenario inherits its task-local values
            // (a test's context, for its expectations); the driving thread only runs its jobs.
            Task(executorPreference: executor) {
                do {
                    let value = try await scenario()
                    outcome.withLock { $0 = .success(value) }
                } catch {
                    outcome.withLock { $0 = .failure(error) }
                }
            }
            // Not on a pool thread: work that escapes the simulation still has the pool to run on.
            let thread = Thread { [self] in
                var steps = 0
                while true {
                    if let result = outcome.withLock({ $0 }) {
                        // Late work (answers after the client's, hints, timers) runs out too, so
                        // nothing is left parked when the nodes are torn down.
                        var late = 0
                        while late < 1_000_000, executor.runOne() || clock.advance() { late += 1 }
                        return continuation.resume(with: result)
                    }
                    if executor.runOne() || clock.advance() || executor.waitForJob(timeout: 5) {
                        steps += 1
                        continue
                    }
                    return continuation.resume(throwing: Stalled(seed: seed, steps: steps, time: clock.now))
                }
            }
            thread.stackSize = 16 << 20
            thread.start()
        }
    }
}
