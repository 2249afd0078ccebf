import BasaltCore
import Testing
@testable import BasaltSSTable

/// Pins the exact on-disk bytes of docs/formats/sstable.md, so a layout change cannot slip in
/// without a format version bump.
@Suite struct GoldenBytesTests {
    /// Key "a", one row at clustering 01 with column 1 = `value` at timestamp 1.
    static func tinyPartition(value: [UInt8]) -> PartitionUpdate {
        PartitionUpdate(table: testTable, key: PartitionKey([0x61]),
                        rows: [Row(clustering: Clustering([0x01]), cells: [.live(column: 1, timestamp: 1, value: value)])])
    }

    static func be64(_ v: Int64) -> String { hex(withUnsafeBytes(of: v.bigEndian) { Array($0) }) }

    @Test func uncompressedDataIndexAndTOC() throws {
        try withTemporaryDirectory { dir in
            let p = Self.tinyPartition(value: [0x78])
            let (d, _) = try writeSSTable([p], directory: dir, options: SSTableWriterOptions(expectedPartitions: 1, compression: false))
            let token = Self.be64(p.key.token)
            #expect(token == "85555565f6597889")
            // The stream: header (token, key, flags), row count, row (flags, clustering, cell count,
            // cell flags, column, timestamp, value).
            let stream = token + "0161" + "00" + "01" + "00" + "0101" + "01" + "01" + "01" + "0000000000000001" + "0178"
            let data = readFile(d.path(.data))
            #expect(hex(data) == "00" + stream + hex32(CRC32C.checksum([0] + hexBytes(stream))))
            #expect(hex(data) == "00" + stream + Self.dataCRC)

            let entry = token + "0161" + "00" + "1c" + "00"
            let segment = "00000001" + "0000000d" + entry
            let index = readFile(d.path(.index))
            #expect(hex(index) == "424944580001" + segment + hex32(CRC32C.checksum(hexBytes(segment))))
            #expect(hex(index) == "424944580001" + segment + Self.indexCRC)

            let compression = readFile(d.path(.compressionInfo))
            #expect(hex(compression) == "42434d500001" + "00004000" + "00" + "000000000000001c" + "00000001"
                + "0000000000000000" + "0000000000000021" + Self.compressionCRC)

            let toc = String(decoding: readFile(d.path(.toc)), as: UTF8.self)
            let lines = toc.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.count == 8 && lines[7].isEmpty)
            #expect(lines[0] == "basalt-sstable 1")
            #expect(lines[1] == "Data 33 \(Self.dataFileCRC)")
            #expect(lines[2].hasPrefix("Index 31 "))
            #expect(lines[3].hasPrefix("Summary ") && lines[4].hasPrefix("Filter ") && lines[5].hasPrefix("Statistics "))
            #expect(lines[6].hasPrefix("CompressionInfo 43 "))
            for (line, component) in zip(lines[1...6], SSTableComponent.listed) {
                let file = readFile(d.path(component))
                #expect(line == "\(component.rawValue) \(file.count) \(hex32(CRC32C.checksum(file)))")
            }
        }
    }

    @Test func compressedChunkFrame() throws {
        try withTemporaryDirectory { dir in
            let p = Self.tinyPartition(value: [UInt8](repeating: 0x78, count: 200))
            let (d, _) = try writeSSTable([p], directory: dir, options: SSTableWriterOptions(expectedPartitions: 1, compression: true))
            let data = readFile(d.path(.data))
            #expect(data[0] == ChunkCodec.lz4)
            #expect(data.count < 100)
            #expect(hex(data) == Self.compressedFrame)
            let crc = CRC32C.checksum(Array(data[0..<(data.count - 4)]))
            #expect(hex(Array(data.suffix(4))) == hex32(crc))
            let reader = try SSTableReader.open(d, cache: nil)
            #expect(try reader.read(p.key) == p)
        }
    }

    @Test func incompressibleChunkIsStoredRaw() throws {
        try withTemporaryDirectory { dir in
            var rng = SplitMix64(seed: 1)
            // Nothing repeats: no zero run in the timestamp, no five equal bytes in the row framing.
            let p = PartitionUpdate(table: testTable, key: PartitionKey([0x61]), rows: [
                Row(clustering: Clustering([0x01]), cells: [.live(column: 7, timestamp: 0x1122_3344_5566_7788, value: bytes(&rng, count: 300))]),
            ])
            let (d, _) = try writeSSTable([p], directory: dir, options: SSTableWriterOptions(expectedPartitions: 1, compression: true))
            let data = readFile(d.path(.data))
            #expect(data[0] == ChunkCodec.raw)
            #expect(try SSTableReader.open(d, cache: nil).read(p.key) == p)
        }
    }

    @Test func bloomFilterBitLayout() {
        var filter = BloomFilter(expectedKeys: 3, falsePositiveChance: 0.01)
        #expect(filter.hashCount == 7 && filter.bitCount == 512)
        let keys: [[UInt8]] = [[0x61], [0x62], [0x63]]
        for k in keys { filter.insert(k) }
        // The documented rule, recomputed independently: one block (h1 picks it), 9 bits of h2 per probe.
        var expected = [UInt64](repeating: 0, count: 8)
        for k in keys {
            var (_, h2) = k.withUnsafeBytes { Murmur3.hash128($0) }
            for _ in 0..<7 {
                let bit = h2 & 511
                expected[Int(bit >> 6)] |= 1 << (bit & 63)
                h2 >>= 9
            }
        }
        #expect(filter.words == expected)
        #expect(hex(filter.words.flatMap { w in withUnsafeBytes(of: w.bigEndian) { Array($0) } }) == Self.bloomWords)
        let encoded = filter.encoded()
        #expect(hex(Array(encoded.prefix(18))) == "42464c540001" + "00000007" + "0000000000000200")
        #expect(hex(Array(encoded[18..<82])) == Self.bloomWords)
        for k in keys { #expect(filter.mayContain(k)) }
    }

    static let dataCRC = "b4fbd264"
    static let dataFileCRC = "06bf62eb"
    static let indexCRC = "106f77b2"
    static let compressionCRC = "0b87f030"
    static let compressedFrame = "01e085555565f65978890161000100010100120001004f01c801780100af507878787878c5aa36fb"
    static let bloomWords = "00000000000000000000010000000008000000000000001002000200000000000002000000280400001100000400441004000210040000000000010000000400"
}

func hexBytes(_ s: String) -> [UInt8] {
    var out: [UInt8] = []
    var i = s.startIndex
    while i < s.endIndex {
        let j = s.index(i, offsetBy: 2)
        out.append(UInt8(s[i..<j], radix: 16)!)
        i = j
    }
    return out
}
