import BasaltCore
import Glibc
import Testing
@testable import BasaltSSTable

/// LevelDB-style throughput check: 16-byte keys, 100-byte values, random point reads with the data in
/// the block cache. Only with BASALT_SSTABLE_BENCH=1 and meant for `-c release`; prints its numbers.
@Suite struct PerformanceTests {
    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    @Test(.enabled(if: getenv("BASALT_SSTABLE_BENCH") != nil))
    func writeThenRandomReads() throws {
        try withTemporaryDirectory { dir in
            let count = 1_000_000
            var rng = SplitMix64(seed: 1)
            let keys = (0..<count).map { i in PartitionKey(withUnsafeBytes(of: UInt64(i).bigEndian) { Array($0) } + bytes(&rng, count: 8)) }.sorted()
            let value = bytes(&rng, count: 100)
            var start = Self.now()
            let descriptor = SSTableDescriptor(directory: dir, generation: 1)
            let writer = try SSTableWriter(descriptor: descriptor, table: testTable, options: SSTableWriterOptions(expectedPartitions: count))
            for key in keys {
                try writer.append(PartitionUpdate(table: testTable, key: key,
                                                  rows: [Row(clustering: .empty, cells: [.live(column: 1, timestamp: 1, value: value)])]))
            }
            let metadata = try writer.finish()
            var elapsed = Self.now() - start
            print("write: \(count) partitions, \(metadata.uncompressedSize >> 20) MiB stream -> \(metadata.compressedSize >> 20) MiB in \(elapsed) s: \(Double(metadata.uncompressedSize) / elapsed / 1e6) MB/s")

            let reader = try SSTableReader.open(descriptor, cache: BlockCache(capacity: 1 << 30))
            start = Self.now()
            var n = 0
            let scanner = try reader.scanner()
            while try scanner.next() != nil { n += 1 }
            elapsed = Self.now() - start
            print("scan: \(n) partitions in \(elapsed) s: \(Double(n) / elapsed) partitions/s")
            for key in keys { _ = try reader.read(key) }  // warm the cache
            let probes = (0..<count).map { _ in keys[Int.random(in: 0..<count, using: &rng)] }
            start = Self.now()
            var found = 0
            for key in probes where try reader.read(key) != nil { found += 1 }
            elapsed = Self.now() - start
            print("random gets: \(Double(count) / elapsed) /s (found \(found))")
            #expect(found == count)
        }
    }
}
