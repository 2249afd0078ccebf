import Foundation
import Testing
@testable import BasaltCore

@Suite struct DataCodecTests {
    static let table = UUID(uuidString: "01020304-0506-0708-090A-0B0C0D0E0F10")!

    /// Golden bytes of one small mutation: if this changes, commit logs and SSTables written by earlier
    /// builds no longer read, so the format version must change with it (docs/formats/data-model.md).
    @Test func goldenMutationBytes() throws {
        let update = PartitionUpdate(table: Self.table, key: PartitionKey(token: 7, bytes: [0xAB]),
                                     rows: [Row(clustering: Clustering([0x01]),
                                                liveness: LivenessInfo(timestamp: 5),
                                                cells: [Cell.live(column: 2, timestamp: 5, value: [0x68, 0x69])])])
        let encoded = DataCodec.encode(Mutation([update]))
        let expected: [UInt8] = [
            0x01,                                                      // one update
            0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,            // table id
            0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F, 0x10,
            0, 0, 0, 0, 0, 0, 0, 7,                                    // token
            0x01, 0xAB,                                                // key
            0x00,                                                      // partition flags
            0x01,                                                      // one row
            0x01,                                                      // row flags: liveness
            0x01, 0x01,                                                // clustering
            0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0, 0x7F, 0xFF, 0xFF, 0xFF, // marker ts, ttl, expiry
            0x01,                                                      // one cell
            0x01, 0x02,                                                // cell flags: value; column 2
            0, 0, 0, 0, 0, 0, 0, 5,                                    // cell timestamp
            0x02, 0x68, 0x69,                                          // value
        ]
        #expect(encoded == expected)
        #expect(try DataCodec.decodeMutation(encoded) == Mutation([update]))
    }

    @Test func roundTripsEveryKindOfFact() throws {
        var update = PartitionUpdate(table: Self.table, key: PartitionKey([1, 2, 3]),
                                     partitionDeletion: DeletionTime(markedForDeleteAt: 10, localDeletionTime: 100))
        update.rangeTombstones = [RangeTombstone(slice: ClusteringSlice(start: ClusteringBound(prefix: [1], inclusive: false),
                                                                        end: .unbounded),
                                                 deletion: DeletionTime(markedForDeleteAt: 20, localDeletionTime: 200))]
        update.staticRow = Row(clustering: .empty, cells: [Cell.tombstone(column: 9, timestamp: 3, now: 50)])
        update.rows = [
            Row(clustering: Clustering([1, 2]), liveness: LivenessInfo(timestamp: 4, ttl: 60, localExpirationTime: 160),
                deletion: DeletionTime(markedForDeleteAt: 2, localDeletionTime: 40),
                complexDeletions: [ComplexDeletion(column: 3, deletion: DeletionTime(markedForDeleteAt: 1, localDeletionTime: 30))],
                cells: [Cell.live(column: 1, timestamp: 5, value: []),
                        Cell.expiring(column: 3, path: [0xAA], timestamp: 6, value: [1], ttl: 10, now: 100)]),
        ]
        let encoded = DataCodec.encode(Mutation([update, update]))
        #expect(try DataCodec.decodeMutation(encoded) == Mutation([update, update]))
    }

    /// Every prefix of a valid encoding is an error, never a crash or a wrong value.
    @Test func truncatedInputThrows() {
        let update = PartitionUpdate(table: Self.table, key: PartitionKey([9]),
                                     rows: [Row(clustering: .empty, cells: [Cell.live(column: 1, timestamp: 1, value: [1, 2, 3])])])
        let encoded = DataCodec.encode(Mutation([update]))
        for length in 0..<encoded.count {
            #expect(throws: DecodeError.self) { try DataCodec.decodeMutation(Array(encoded[0..<length])) }
        }
    }

    @Test func randomBytesNeverCrash() {
        var state: UInt64 = 42
        for _ in 0..<5000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let count = Int(state >> 58)
            let bytes = (0..<count).map { i in UInt8(truncatingIfNeeded: (state >> UInt64(i % 56)) ^ UInt64(i)) }
            _ = try? DataCodec.decodeMutation(bytes)
        }
    }

    @Test func oversizedLengthIsRejectedBeforeAllocation() {
        var w = ByteWriter()
        w.writeVarint(1)
        DataCodec.writeTableID(Self.table, to: &w)
        w.write(bigEndian: Int64(0))
        w.writeVarint(UInt64(PartitionKey.maximumLength + 1))
        #expect(throws: DecodeError.self) { try DataCodec.decodeMutation(w.bytes) }
    }
}
