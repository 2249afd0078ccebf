@testable import BasaltCommitLog
import BasaltCore
import Foundation
import Synchronization
import Testing

/// A log without a sync thread (`CommitLogSyncRunner.scheduled`), as the cluster simulator runs it:
/// nothing is synced until the scheduler runs a cycle, a cycle releases the waiters it covers, and
/// the blocking calls sync by themselves instead of waiting for a thread that is not there.
@Suite struct CommitLogScheduledSyncTests {
    /// The cycles handed to the scheduler, run when the test says.
    final class Scheduler: Sendable {
        let cycles = Mutex<[@Sendable () -> Void]>([])
        var runner: CommitLogSyncRunner { .scheduled { [self] cycle in cycles.withLock { $0.append(cycle) } } }
        var pending: Int { cycles.withLock { $0.count } }
        func runAll() { for cycle in cycles.withLock({ list in defer { list = [] }; return list }) { cycle() } }
    }

    @Test func writesAreDurableOnlyOnceACycleRuns() throws {
        try withTemporaryDirectory { directory in
            let scheduler = Scheduler()
            let log = try CommitLog(directory: directory, configuration: smallSegments, syncRunner: scheduler.runner)
            #expect(scheduler.pending == 1, "the first cycle makes the spare segment")
            scheduler.runAll()
            let first = try log.append(makeMutation(1, valueSize: 10))
            let second = try log.append(makeMutation(2, valueSize: 10))
            #expect(scheduler.pending == 1, "one cycle per group, asked for by its first record")
            let released = Mutex<[CommitLogError?]>([])
            log.whenDurable(second) { error in released.withLock { $0.append(error) } }
            #expect(released.withLock { $0.count } == 0)
            #expect(log.statistics.syncsPerformed == 0)
            scheduler.runAll()
            #expect(released.withLock { $0.count } == 1 && released.withLock { $0[0] } == nil)
            #expect(log.statistics.durablePosition >= second)
            try log.waitUntilDurable(first)

            // A blocking wait does the sync itself; close syncs what is left.
            let third = try log.append(makeMutation(3, valueSize: 10))
            try log.waitUntilDurable(third)
            #expect(log.statistics.syncsPerformed == 2)
            _ = try log.append(makeMutation(4, valueSize: 10))
            try log.close()
            scheduler.runAll()  // cycles after the close do nothing
        }
    }

    @Test func closeSyncsWhatNoCycleDid() throws {
        try withTemporaryDirectory { directory in
            let scheduler = Scheduler()
            let log = try CommitLog(directory: directory, configuration: smallSegments, syncRunner: scheduler.runner)
            for i in 0..<5 { _ = try log.append(makeMutation(i, valueSize: 10)) }
            try log.sync()
            #expect(log.statistics.syncsPerformed == 1)
            _ = try log.append(makeMutation(5, valueSize: 10))
            try log.close()
            #expect(try replayAll(directory).records.count == 6)
        }
    }
}
