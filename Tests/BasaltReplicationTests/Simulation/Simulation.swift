@testable import BasaltReplication
import Foundation
import Synchronization

/// One seeded simulation: a virtual clock and a serial executor that every node of a simulated
/// cluster runs on (`runtime`). `drive` runs a scenario to its end on a thread of its own: it runs
/// ready jobs in the order the seed picks, and when none is ready moves the clock to the next timer.
/// When neither a job nor a timer is left before the scenario ends, nothing could ever happen again:
/// that is a deadlock, reported with the seed.
final class Simulation: Sendable {
    struct Stalled: Error, CustomStringConvertible {
        var seed: UInt64
        var steps: Int
        var time: SimulatedClock.Instant
        var description: String { "seed \(seed): nothing can happen any more after \(steps) steps at \(time) (deadlock)" }
    }

    let seed: UInt64
    let clock = SimulatedClock()
    let executor: SimulationExecutor
    var runtime: NodeRuntime { NodeRuntime(clock: clock, executor: executor) }

    init(seed: UInt64) {
        self.seed = seed
        executor = SimulationExecutor(seed: seed)
    }

    func drive<T: Sendable>(_ scenario: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            // Not on a pool thread: work that escapes the simulation still has the pool to run on.
            let thread = Thread { [self] in
                let outcome = Mutex<Result<T, any Error>?>(nil)
                Task(executorPreference: executor) {
                    do {
                        let value = try await scenario()
                        outcome.withLock { $0 = .success(value) }
                    } catch {
                        outcome.withLock { $0 = .failure(error) }
                    }
                }
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
