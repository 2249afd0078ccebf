@testable import BasaltCommitLog
import BasaltCore
import Foundation
import Testing

/// Replay of damaged segments: torn tails are cut and reported, corruption before the tail is
/// reported with its cost and skipped, and nothing is ever skipped silently.
@Suite struct CommitLogDamageTests {
    /// Writes `count` equal-size records into one segment and returns the segment's bytes and the
    /// start offset of every record (plus the end of the last one).
    static func writeRecords(_ directory: String, count: Int) throws -> (id: UInt64, bytes: [UInt8], starts: [Int], mutations: [Mutation]) {
        let mutations = (0..<count).map { makeMutation($0, valueSize: 40) }
        let log = try CommitLog(directory: directory, configuration: smallSegments)
        var starts = [Int(log.currentPosition.offset)]
        for mutation in mutations { starts.append(Int(try log.append(mutation).offset)) }
        let id = log.currentPosition.segment
        try log.close()
        return (id, try readFile(segmentPath(directory, id)), starts, mutations)
    }

    enum TailDamage: CaseIterable { case truncateFile, zeroFill }

    @Test(arguments: TailDamage.allCases)
    func tornTailAtEveryByteIsCut(damage: TailDamage) throws {
        try withTemporaryDirectory { source in
            let (id, bytes, starts, mutations) = try Self.writeRecords(source, count: 5)
            let start = starts[4], end = starts[5]
            for cut in start..<end {
                try withTemporaryDirectory { directory in
                    var damaged = bytes
                    switch damage {
                    case .truncateFile: damaged.removeSubrange(cut...)
                    case .zeroFill: damaged.replaceSubrange(cut..<end, with: repeatElement(0, count: end - cut))
                    }
                    try writeFile(segmentPath(directory, id), damaged)
                    let (records, report) = try replayAll(directory)
                    #expect(records.map(\.0) == Array(mutations.prefix(4)), "cut at \(cut)")
                    #expect(report.corruptions.isEmpty, "cut at \(cut)")
                    // Bytes left of the torn frame are visible only when one of them is not zero.
                    let visible = bytes[start..<cut].contains { $0 != 0 }
                    #expect(report.truncatedTails.count == (visible ? 1 : 0), "cut at \(cut)")
                    if let tail = report.truncatedTails.first {
                        #expect(tail.offset == start && tail.segment == id && tail.bytesDropped > 0 && tail.bytesDropped <= cut - start)
                    }
                }
            }
        }
    }

    enum Field: CaseIterable { case length, lengthChecksum, payload, payloadChecksum, zeroedFrameHeader }

    @Test(arguments: Field.allCases)
    func damagedMiddleRecordIsReportedAndSkipped(field: Field) throws {
        try withTemporaryDirectory { directory in
            let (id, bytes, starts, mutations) = try Self.writeRecords(directory, count: 10)
            var damaged = bytes
            let start = starts[4]
            switch field {
            case .length: damaged[start + 3] ^= 0x04
            case .lengthChecksum: damaged[start + 5] ^= 0x80
            case .payload: damaged[start + 20] ^= 0x01
            case .payloadChecksum: damaged[starts[5] - 1] ^= 0x10
            case .zeroedFrameHeader: damaged.replaceSubrange(start..<(start + 8), with: repeatElement(0, count: 8))
            }
            try writeFile(segmentPath(directory, id), damaged)
            let (records, report) = try replayAll(directory)
            var expected = mutations
            expected.remove(at: 4)
            #expect(records.map(\.0) == expected, "every record but the damaged one is replayed, in order")
            #expect(report.truncatedTails.isEmpty)
            try #require(report.corruptions.count == 1)
            let corruption = report.corruptions[0]
            #expect(corruption.offset == start && corruption.segment == id)
            #expect(corruption.bytesSkipped == starts[5] - start)
            #expect(corruption.recordsLost == 1, "\(corruption)")
        }
    }

    @Test func damagedLastRecordIsATornTail() throws {
        try withTemporaryDirectory { directory in
            let (id, bytes, starts, mutations) = try Self.writeRecords(directory, count: 6)
            var damaged = bytes
            damaged[starts[5] + 10] ^= 0x01
            try writeFile(segmentPath(directory, id), damaged)
            let (records, report) = try replayAll(directory)
            #expect(records.map(\.0) == Array(mutations.prefix(5)))
            #expect(report.corruptions.isEmpty)
            #expect(report.truncatedTails.map(\.offset) == [starts[5]])
        }
    }

    /// The same torn record is a corruption when a later segment holds records: it is not the end of the log.
    @Test func damageInAnEarlierSegmentIsACorruption() throws {
        try withTemporaryDirectory { directory in
            let configuration = CommitLogConfiguration(syncMode: .defaultPeriodic, segmentSize: 8192)
            let log = try CommitLog(directory: directory, configuration: configuration)
            let mutations = (0..<40).map { makeMutation($0, valueSize: 600) }
            let positions = try mutations.map { try log.append($0) }
            try log.close()
            let first = positions[0].segment
            let lastInFirst = try #require(positions.lastIndex { $0.segment == first })
            let start = Int(positions[lastInFirst - 1].offset)
            var bytes = try readFile(segmentPath(directory, first))
            bytes.replaceSubrange((start + 30)..<Int(positions[lastInFirst].offset), with: repeatElement(0, count: Int(positions[lastInFirst].offset) - start - 30))
            try writeFile(segmentPath(directory, first), bytes)

            let (records, report) = try replayAll(directory, configuration: configuration)
            var expected = mutations
            expected.remove(at: lastInFirst)
            #expect(records.map(\.0) == expected)
            #expect(report.truncatedTails.isEmpty)
            try #require(report.corruptions.count == 1)
            #expect(report.corruptions[0].path == segmentPath(directory, first))
            #expect(report.corruptions[0].offset == start && report.corruptions[0].recordsLost >= 1)
        }
    }

    @Test func undecodablePayloadIsACorruption() throws {
        try withTemporaryDirectory { directory in
            let log = try CommitLog(directory: directory, configuration: smallSegments)
            _ = try log.append(makeMutation(1, valueSize: 10))
            let garbageEnd = try log.append(encoded: [0xFF, 0xFF, 0xFF, 0xFF])
            _ = try log.append(makeMutation(2, valueSize: 10))
            try log.close()
            let (records, report) = try replayAll(directory)
            #expect(records.map(\.0) == [makeMutation(1, valueSize: 10), makeMutation(2, valueSize: 10)])
            try #require(report.corruptions.count == 1)
            guard case .undecodableMutation = report.corruptions[0].reason else {
                Issue.record("unexpected reason \(report.corruptions[0].reason)")
                return
            }
            #expect(report.corruptions[0].recordsLost == 1)
            #expect(report.corruptions[0].offset + report.corruptions[0].bytesSkipped == Int(garbageEnd.offset))
        }
    }

    @Test func damagedHeaderIsReportedAndRecordsStillRead() throws {
        try withTemporaryDirectory { directory in
            let (id, bytes, _, mutations) = try Self.writeRecords(directory, count: 3)
            var damaged = bytes
            damaged[1] ^= 0xFF
            try writeFile(segmentPath(directory, id), damaged)
            let (records, report) = try replayAll(directory)
            #expect(records.map(\.0) == mutations)
            try #require(report.corruptions.count == 1)
            guard case .badHeader = report.corruptions[0].reason else {
                Issue.record("unexpected reason \(report.corruptions[0].reason)")
                return
            }
            #expect(report.corruptions[0].recordsLost == 0)
        }
    }

    @Test func segmentWhoseCreationWasInterruptedIsSilentlyEmpty() throws {
        try withTemporaryDirectory { directory in
            try writeFile(segmentPath(directory, 7), [UInt8](repeating: 0, count: 4096))
            try writeFile(segmentPath(directory, 8), [])
            let (records, report) = try replayAll(directory)
            #expect(records.isEmpty && report.isClean && report.segmentsRead == 2)
        }
    }

    @Test func segmentOfAnotherVersionIsRefused() throws {
        try withTemporaryDirectory { directory in
            try writeFile(directory + "/CommitLog-2-5.log", [1, 2, 3])
            #expect(throws: CommitLogError.unsupportedSegmentVersion(path: directory + "/CommitLog-2-5.log", version: 2)) {
                try CommitLog(directory: directory, configuration: smallSegments)
            }
        }
    }
}
