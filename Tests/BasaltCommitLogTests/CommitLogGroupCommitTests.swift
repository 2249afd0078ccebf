@testable import BasaltCommitLog
import BasaltCore
import Foundation
import Synchronization
import Testing

@Suite struct CommitLogGroupCommitTests {
    /// Many writers each append and block until durable: they must share fsyncs, and everything
    /// acknowledged must come back on replay.
    @Test func concurrentWritersShareSyncs() throws {
        try withTemporaryDirectory { directory in
            let configuration = CommitLogConfiguration(syncMode: .group(windowMicroseconds: 2000), segmentSize: 1 << 20)
            let log = try CommitLog(directory: directory, configuration: configuration)
            let writers = 32, perWriter = 25
            let acknowledged = Mutex<[Mutation]>([])
            let failures = Mutex<[CommitLogError]>([])
            let done = DispatchGroup()
            let start = Date()
            for writer in 0..<writers {
                done.enter()
                Thread {
                    for i in 0..<perWriter {
                        let mutation = makeMutation(writer * 1000 + i, valueSize: 100)
                        do throws(CommitLogError) {
                            try log.waitUntilDurable(try log.append(mutation))
                            acknowledged.withLock { $0.append(mutation) }
                        } catch {
                            failures.withLock { $0.append(error) }
                        }
                    }
                    done.leave()
                }.start()
            }
            done.wait()
            let elapsed = Date().timeIntervalSince(start)
            #expect(failures.withLock { $0 }.isEmpty)
            let statistics = log.statistics
            #expect(statistics.recordsAppended == writers * perWriter)
            // One writer alone would need a sync per record; 32 share them.
            #expect(statistics.recordsPerSync >= 4, "\(statistics.syncsPerformed) syncs for \(statistics.recordsAppended) records")
            print("group commit: \(writers) writers, \(Int(Double(writers * perWriter) / elapsed)) acks/s, "
                  + "\(String(format: "%.1f", statistics.recordsPerSync)) records per sync")
            try log.close()

            let (records, report) = try replayAll(directory, configuration: configuration)
            #expect(report.isClean)
            let replayed = Set(records.map(\.0.updates[0].key))
            #expect(acknowledged.withLock { $0 }.allSatisfy { replayed.contains($0.updates[0].key) })
            #expect(records.count == writers * perWriter)
        }
    }

    @Test func callbacksRunOnceDurable() throws {
        try withTemporaryDirectory { directory in
            let log = try CommitLog(directory: directory, configuration: CommitLogConfiguration(syncMode: .group(windowMicroseconds: 500)))
            let outcomes = Mutex<[CommitLogError?]>([])
            var last = log.currentPosition
            for i in 0..<200 {
                last = try log.append(makeMutation(i, valueSize: 20))
                log.whenDurable(last) { error in outcomes.withLock { $0.append(error) } }
            }
            try log.sync()
            #expect(log.statistics.durablePosition >= last)
            // Callbacks run on the sync thread just after the cycle that covered them.
            let deadline = Date().addingTimeInterval(5)
            while outcomes.withLock({ $0.count }) < 200 && Date() < deadline { usleep(1000) }
            #expect(outcomes.withLock { $0.count } == 200)
            #expect(outcomes.withLock { $0 }.allSatisfy { $0 == nil })
            var beyond = last
            beyond.offset += 1
            #expect(throws: CommitLogError.positionNotAppended(beyond, current: last)) { try log.waitUntilDurable(beyond) }
            try log.close()
        }
    }
}
