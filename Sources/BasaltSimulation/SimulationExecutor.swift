import BasaltCore
import Foundation

/// A serial task executor for a simulated cluster: jobs wait in a list and the simulator runs them
/// one at a time on its own thread, choosing the next from the seed among all that are ready. One
/// seed therefore gives one interleaving of every task in the cluster, and different seeds explore
/// different ones.
public final class SimulationExecutor: TaskExecutor, @unchecked Sendable {
    private let condition = NSCondition()
    private var ready: [UnownedJob] = []
    private var random: SplitMix64

    public init(seed: UInt64) {
        random = SplitMix64(seed: seed ^ 0x5EED_E8EC)
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        condition.lock()
        ready.append(unowned)
        condition.signal()
        condition.unlock()
    }

    /// Runs one ready job, chosen by the seed. False when none is ready.
    public func runOne() -> Bool {
        condition.lock()
        guard !ready.isEmpty else {
            condition.unlock()
            return false
        }
        let job = ready.remove(at: Int(random.next() % UInt64(ready.count)))
        condition.unlock()
        job.runSynchronously(on: asUnownedTaskExecutor())
        return true
    }

    /// Waits up to `timeout` of real time for a job to arrive from outside the simulation (work
    /// that completes on another thread). False if none came.
    public func waitForJob(timeout: TimeInterval) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        let deadline = Date(timeIntervalSinceNow: timeout)
        while ready.isEmpty {
            if !condition.wait(until: deadline) { return !ready.isEmpty }
        }
        return true
    }
}
