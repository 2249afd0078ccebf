@testable import BasaltCommitLog
import BasaltCore
import BasaltTestSupport
import Foundation
import Glibc
import Synchronization
import Testing

/// I/O failures reach the caller as typed errors, the log survives them, and work resumes after.
@Suite struct CommitLogFaultTests {
    func simulatedDisk() -> SimulatedDisk {
        var random = SplitMix64(seed: 11)
        return SimulatedDisk(random: &random)
    }

    @Test func fullDiskWhenCreatingASegmentFailsTheAppendThenRecovers() throws {
        do {
            let directory = "/commitlog"
            let disk = simulatedDisk()
            let configuration = CommitLogConfiguration(syncMode: .defaultPeriodic, segmentSize: 8192)
            let log = try CommitLog(directory: directory, configuration: configuration, fileSystem: disk.mount())
            disk.isFull = true
            var accepted: [Mutation] = []
            var failure: CommitLogError?
            // Filling the active segment and the spare (if ready) must end in a failed switch.
            for i in 0..<100 {
                let mutation = makeMutation(i, valueSize: 500)
                do throws(CommitLogError) {
                    _ = try log.append(mutation)
                    accepted.append(mutation)
                } catch {
                    failure = error
                    break
                }
            }
            guard case let .io(operation, path, code) = try #require(failure) else {
                Issue.record("unexpected error \(String(describing: failure))")
                return
            }
            #expect(operation == "posix_fallocate" && code == ENOSPC && path.hasPrefix(directory))
            #expect(disk.contents(of: path) == nil, "a segment that could not be allocated is removed")
            #expect(throws: CommitLogError.self) { try log.append(makeMutation(1000, valueSize: 500)) }

            disk.isFull = false
            for i in 100..<110 {
                let mutation = makeMutation(i, valueSize: 500)
                _ = try log.append(mutation)
                accepted.append(mutation)
            }
            try log.close()
            let (records, report) = try replayAll(directory, configuration: configuration, fileSystem: disk.mount())
            #expect(report.isClean)
            #expect(records.map(\.0) == accepted, "exactly the accepted records, nothing from the failed appends")
        }
    }

    @Test func failedSyncFailsItsWaitersAndTheLogMovesToAFreshSegment() throws {
        do {
            let directory = "/commitlog"
            let disk = simulatedDisk()
            let log = try CommitLog(directory: directory, configuration: smallSegments, fileSystem: disk.mount())
            disk.rates.syncFailure = 1
            let failed = try log.append(makeMutation(1, valueSize: 10))
            let expected = CommitLogError.io(operation: "msync", path: segmentPath(directory, failed.segment), errno: EIO)
            #expect(throws: expected) { try log.waitUntilDurable(failed) }
            let callbackError = Mutex<CommitLogError?>(nil)
            log.whenDurable(failed) { error in callbackError.withLock { $0 = error } }
            #expect(callbackError.withLock { $0 } == expected)
            #expect(log.statistics.syncFailures >= 1)

            disk.rates.syncFailure = 0
            let later = try log.append(makeMutation(2, valueSize: 10))
            #expect(later.segment > failed.segment, "records after a failed sync go to a fresh segment")
            try log.waitUntilDurable(later)
            #expect(throws: expected) { try log.waitUntilDurable(failed) }
            try log.close()
        }
    }
}
