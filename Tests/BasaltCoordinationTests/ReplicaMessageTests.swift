import BasaltCoordination
import BasaltCore
import Foundation
import Testing

@Suite struct ReplicaMessageTests {
    static let table = UUID(uuidString: "00112233-4455-6677-8899-aabbccddeeff")!

    @Test func readCommandGoldenBytes() throws {
        let command = ReadCommand(table: Self.table, key: PartitionKey([0xAB]),
                                  slice: ClusteringSlice(start: ClusteringBound(prefix: [1], inclusive: true), end: .unbounded))
        let bytes = command.encoded()
        #expect(hexString(bytes) == "00112233445566778899aabbccddeeff" + "01ab" + "010101" + hexString(Self.boundBytes(.unbounded)))
        #expect(try ReadCommand(decoding: bytes) == command)
        #expect(throws: DecodeError.self) { try ReadCommand(decoding: bytes + [0]) }
        for cut in 0..<bytes.count {
            #expect(throws: DecodeError.self) { try ReadCommand(decoding: Array(bytes.prefix(cut))) }
        }
    }

    static func boundBytes(_ bound: ClusteringBound) -> [UInt8] {
        var w = ByteWriter()
        DataCodec.write(bound, to: &w)
        return w.bytes
    }

    @Test(arguments: [
        RangeReadCommand(table: table, start: nil, inclusive: true, endToken: nil, limit: 100),
        RangeReadCommand(table: table, start: PartitionKey(token: -5, bytes: []), inclusive: true, endToken: 77, limit: 1),
        RangeReadCommand(table: table, start: PartitionKey([1, 2]), inclusive: false, endToken: .max, limit: 10_000),
    ])
    func rangeReadCommandRoundTrips(command: RangeReadCommand) throws {
        let bytes = command.encoded()
        #expect(try RangeReadCommand(decoding: bytes) == command)
        for cut in 0..<bytes.count {
            #expect(throws: DecodeError.self) { try RangeReadCommand(decoding: Array(bytes.prefix(cut))) }
        }
    }

    @Test func rangeReadCommandGoldenBytesAndLimits() throws {
        let command = RangeReadCommand(table: Self.table, start: PartitionKey(token: 1, bytes: []), inclusive: true, endToken: 2, limit: 3)
        #expect(hexString(command.encoded()) == "00112233445566778899aabbccddeeff" + "07" + "0000000000000001" + "00"
            + "0000000000000002" + "00000003")
        var tooMany = command
        tooMany.limit = RangeReadCommand.maximumLimit + 1
        #expect(throws: DecodeError.self) { try RangeReadCommand(decoding: tooMany.encoded()) }
        var badFlags = command.encoded()
        badFlags[16] = 0x08
        #expect(throws: DecodeError.self) { try RangeReadCommand(decoding: badFlags) }
    }

    @Test func responsesRoundTrip() throws {
        var update = PartitionUpdate(table: Self.table, key: PartitionKey([7]))
        update.partitionDeletion = DeletionTime(markedForDeleteAt: 9, localDeletionTime: 3)
        #expect(try ReadDataResponse.decode(ReadDataResponse.encode(update)) == update)
        #expect(try ReadDataResponse.decode(ReadDataResponse.encode(nil)) == nil)
        #expect(throws: DecodeError.self) { try ReadDataResponse.decode([2]) }
        let digest = PartitionDigest(of: update)
        #expect(try PartitionDigest(decoding: digest.encoded()) == digest)
        let range = RangeReadResponse(partitions: [update, update], exhausted: true)
        let decoded = try RangeReadResponse(decoding: range.encoded())
        #expect(decoded.partitions == [update, update] && decoded.exhausted)
    }
}
