@testable import BasaltCommitLog
import BasaltCore
import Testing

/// The on-disk bytes, pinned: expected values computed by an independent CRC-32C implementation.
@Suite struct CommitLogFormatTests {
    static let payload: [UInt8] = [0x01, 0x02, 0x03, 0xFF]
    static let frame: [UInt8] = [
        0x00, 0x00, 0x00, 0x04,  // payload length
        0x8F, 0xFD, 0xDC, 0xD8,  // crc32c of the 4 length bytes
        0x01, 0x02, 0x03, 0xFF,  // payload
        0x43, 0xD7, 0x48, 0xBA,  // crc32c of the payload
    ]

    @Test func recordFrameGoldenBytes() {
        var out = [UInt8](repeating: 0xAA, count: Self.payload.count + RecordFrame.overhead)
        out.withUnsafeMutableBytes { destination in
            Self.payload.withUnsafeBytes {
                RecordFrame.write(payload: $0, payloadChecksum: CRC32C.checksum(Self.payload), to: destination.baseAddress!)
            }
        }
        #expect(out == Self.frame)
        #expect(RecordFrame.lengthChecksum(0) == 0x4867_4BC7, "a zero length must not checksum to zero (end marker)")
    }

    @Test func segmentHeaderGoldenBytes() {
        let header = SegmentHeader(id: 0x0102_0304_0506_0708, maximumRecordSize: 1000)
        let expected: [UInt8] = [
            0x42, 0x43, 0x4C, 0x47,  // "BCLG"
            0x00, 0x00, 0x00, 0x01,  // format version 1
            0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,  // segment id
            0x00, 0x00, 0x03, 0xE8,  // maximum record size 1000
            0x28, 0x5A, 0x5B, 0x13,  // crc32c of bytes 0..<20
        ]
        #expect(header.encode() == expected)
        #expect(expected.withUnsafeBytes { SegmentHeader.decode($0, expectedID: header.id) } == .success(header))
        var flipped = expected
        flipped[17] ^= 0x10
        guard case .failure(.badHeader) = flipped.withUnsafeBytes({ SegmentHeader.decode($0, expectedID: header.id) }) else {
            Issue.record("a flipped header bit was not detected")
            return
        }
        guard case .failure(.badHeader) = expected.withUnsafeBytes({ SegmentHeader.decode($0, expectedID: 9) }) else {
            Issue.record("a header of another segment id was accepted")
            return
        }
    }

    @Test func segmentFileIsHeaderThenFramesThenZeros() throws {
        try withTemporaryDirectory { directory in
            let configuration = CommitLogConfiguration(syncMode: .defaultPeriodic, segmentSize: 8192, maximumRecordSize: 1000)
            let log = try CommitLog(directory: directory, configuration: configuration)
            let position = try log.append(encoded: Self.payload)
            try log.close()
            #expect(position.offset == UInt32(SegmentHeader.size + Self.frame.count))
            let bytes = try readFile(segmentPath(directory, position.segment))
            #expect(bytes.count == 8192, "segments are preallocated to their full size")
            #expect(Array(bytes[0..<24]) == SegmentHeader(id: position.segment, maximumRecordSize: 1000).encode())
            #expect(Array(bytes[24..<40]) == Self.frame)
            #expect(bytes[40...].allSatisfy { $0 == 0 })
            #expect(try segmentIDs(in: directory) == [position.segment], "close removes the unused spare segment")
        }
    }

    @Test func segmentFileNames() {
        #expect(SegmentLayout.fileName(id: 42) == "CommitLog-1-42.log")
        #expect(SegmentLayout.parse(fileName: "CommitLog-1-42.log")! == (1, 42))
        for name in ["CommitLog-1-.log", "CommitLog-1-42.log.tmp", "CommitLog-x-1.log", "CommitLog-1-99999999999999999999999.log", "other"] {
            #expect(SegmentLayout.parse(fileName: name) == nil, "\(name)")
        }
    }
}
