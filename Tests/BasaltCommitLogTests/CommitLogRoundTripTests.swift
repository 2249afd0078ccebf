@testable import BasaltCommitLog
import BasaltCore
import Foundation
import Synchronization
import Testing

@Suite struct CommitLogRoundTripTests {
    @Test(arguments: [CommitLogSyncMode.group(windowMicroseconds: 200), .periodic(intervalMilliseconds: 5)])
    func appendCloseReopenReplay(mode: CommitLogSyncMode) throws {
        try withTemporaryDirectory { directory in
            let configuration = CommitLogConfiguration(syncMode: mode, segmentSize: 256 << 10)
            let sizes = [0, 10, 100, 1000, 20_000]
            let mutations = (0..<300).map { makeMutation($0, valueSize: sizes[$0 % sizes.count]) }
            let log = try CommitLog(directory: directory, configuration: configuration)
            var positions: [CommitLogPosition] = []
            for mutation in mutations { positions.append(try log.append(mutation)) }
            #expect(zip(positions, positions.dropFirst()).allSatisfy { $0 < $1 }, "positions strictly increase")
            #expect(log.currentPosition == positions.last)
            #expect(Set(positions.map(\.segment)).count > 1, "the data spans several segments")
            try log.close()

            let reopened = try CommitLog(directory: directory, configuration: configuration)
            var replayed: [(Mutation, CommitLogPosition)] = []
            let report = try reopened.replay { replayed.append(($0, $1)) }
            #expect(report.isClean)
            #expect(report.recordsReplayed == mutations.count)
            #expect(report.lastPosition == positions.last)
            #expect(replayed.map(\.0) == mutations)
            #expect(replayed.map(\.1) == positions, "replay reports the positions append returned")
            #expect(reopened.currentPosition.segment > positions.last!.segment, "new records go to a newer segment")
            #expect(reopened.statistics.recordsReplayed == mutations.count)
            try reopened.close()
        }
    }

    @Test func periodicModeSyncsOnItsOwnAndAcksAtOnce() throws {
        try withTemporaryDirectory { directory in
            let log = try CommitLog(directory: directory, configuration: CommitLogConfiguration(syncMode: .periodic(intervalMilliseconds: 5)))
            let position = try log.append(makeMutation(1, valueSize: 10))
            try log.waitUntilDurable(position)  // returns at once
            let called = Mutex(false)
            log.whenDurable(position) { error in called.withLock { $0 = error == nil } }
            #expect(called.withLock { $0 }, "periodic mode calls back at once, on the caller's thread")
            let deadline = Date().addingTimeInterval(5)
            while log.statistics.durablePosition < position && Date() < deadline { usleep(1000) }
            #expect(log.statistics.durablePosition >= position, "the sync thread syncs every interval without being asked")
            try log.close()
        }
    }

    @Test func closedLogRejectsAppends() throws {
        try withTemporaryDirectory { directory in
            let log = try CommitLog(directory: directory, configuration: smallSegments)
            let position = try log.append(makeMutation(1, valueSize: 10))
            try log.close()
            try log.close()  // a second close does nothing
            #expect(throws: CommitLogError.closed) { try log.append(makeMutation(2, valueSize: 10)) }
            #expect(throws: CommitLogError.closed) { try log.sync() }
            try log.waitUntilDurable(position)  // close synced it
            #expect(log.statistics.durablePosition >= position)
        }
    }

    @Test(arguments: [
        CommitLogConfiguration(segmentSize: 1000),
        CommitLogConfiguration(segmentSize: 2 << 30),
        CommitLogConfiguration(segmentSize: 8192, maximumRecordSize: 8192),
        CommitLogConfiguration(segmentSize: 8192, maximumRecordSize: 0),
        CommitLogConfiguration(syncMode: .group(windowMicroseconds: -1)),
        CommitLogConfiguration(syncMode: .periodic(intervalMilliseconds: 0)),
    ])
    func invalidConfigurationIsRejected(configuration: CommitLogConfiguration) throws {
        try withTemporaryDirectory { directory in
            #expect {
                try CommitLog(directory: directory, configuration: configuration)
            } throws: { error in
                if case .invalidConfiguration = error as? CommitLogError { return true }
                return false
            }
        }
    }
}
