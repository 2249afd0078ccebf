import BasaltCore
import Testing
@testable import BasaltSSTable

@Suite struct RoundTripTests {
    struct Layout: Sendable, CustomTestStringConvertible {
        var compression: Bool
        var chunkSize: Int
        var summaryInterval: Int
        var testDescription: String { "lz4 \(compression), chunk \(chunkSize), interval \(summaryInterval)" }
    }

    @Test(arguments: [
        Layout(compression: true, chunkSize: 16_384, summaryInterval: 32),
        Layout(compression: false, chunkSize: 16_384, summaryInterval: 32),
        Layout(compression: true, chunkSize: 256, summaryInterval: 3),
        Layout(compression: false, chunkSize: 100, summaryInterval: 1),
    ])
    func writeReadScan(layout: Layout) throws {
        try withTemporaryDirectory { dir in
            var rng = SplitMix64(seed: 42)
            let keys = randomKeys(&rng, count: 120)
            var partitions = keys.enumerated().map { i, key in
                randomPartition(&rng, key: key, rowCount: Int.random(in: 0...6, using: &rng), valueSize: Int.random(in: 0...40, using: &rng))
            }
            // Two wide partitions (> 64 KiB of rows, so they get a row index).
            for i in [10, 77] { partitions[i] = randomPartition(&rng, key: keys[i], rowCount: 1500, valueSize: 30) }
            let options = SSTableWriterOptions(expectedPartitions: keys.count, chunkSize: layout.chunkSize,
                                               compression: layout.compression, summaryInterval: layout.summaryInterval,
                                               level: 3, repairedAt: 77)
            let (descriptor, metadata) = try writeSSTable(partitions, directory: dir, options: options)
            #expect(metadata.partitionCount == partitions.count)
            #expect(metadata.rowCount == partitions.reduce(0) { $0 + $1.rows.count })
            #expect(metadata.firstKey == keys.first && metadata.lastKey == keys.last)
            #expect(metadata.level == 3 && metadata.repairedAt == 77)

            let cache = BlockCache(capacity: 1 << 20)
            let reader = try SSTableReader.open(descriptor, cache: cache)
            #expect(reader.metadata == metadata)
            for i in [10, 77] { #expect(try reader.indexEntry(for: keys[i])!.rowIndex.count > 1, "wide partitions get a row index") }
            #expect(try reader.indexEntry(for: keys[11])!.rowIndex.isEmpty)

            // Whole partitions by key, twice (the second time from the cache).
            for _ in 0..<2 {
                for p in partitions { #expect(try reader.read(p.key, slice: .all) == p) }
            }
            #expect(cache.statistics.hits > 0)

            // Slices.
            for p in partitions {
                for _ in 0..<(p.rows.count > 100 ? 60 : 4) {
                    let slice = randomSlice(&rng, rowCount: p.rows.count)
                    #expect(try reader.read(p.key, slice: slice) == expected(p, slice: slice), "slice \(slice) of \(p.key)")
                }
            }

            // Missing keys.
            for _ in 0..<200 {
                let key = PartitionKey(bytes(&rng, count: 25))
                #expect(try reader.read(key, slice: .all) == nil)
            }

            // Full scan and scans from a middle key, present or not.
            #expect(try scanAll(reader.scanner()) == partitions)
            #expect(try scanAll(reader.scanner(from: keys[50], fillCache: true)) == Array(partitions[50...]))
            let between = PartitionKey(token: keys[60].token, bytes: keys[60].bytes + [0])
            #expect(try scanAll(reader.scanner(from: between)) == Array(partitions[61...]))
            let beforeAll = PartitionKey(token: Int64.min + 1, bytes: [1])
            #expect(try scanAll(reader.scanner(from: beforeAll)).count == partitions.count)
            let afterAll = PartitionKey(token: Int64.max, bytes: [0xFF, 0xFF])
            #expect(try reader.scanner(from: afterAll).next() == nil)
            try reader.verifyChecksums()
        }
    }

    @Test func statisticsCountEveryKindOfFact() throws {
        try withTemporaryDirectory { dir in
            let key = PartitionKey([1, 2, 3])
            var p = PartitionUpdate(table: testTable, key: key,
                                    partitionDeletion: DeletionTime(markedForDeleteAt: 10, localDeletionTime: 500))
            p.rangeTombstones = [RangeTombstone(slice: .prefix([1]), deletion: DeletionTime(markedForDeleteAt: 11, localDeletionTime: 600))]
            p.staticRow = Row(clustering: .empty, cells: [.expiring(column: 1, timestamp: 12, value: [1], ttl: 100, now: 1000)])
            p.rows = [
                Row(clustering: Clustering([1]), deletion: DeletionTime(markedForDeleteAt: 13, localDeletionTime: 700),
                    complexDeletions: [ComplexDeletion(column: 2, deletion: DeletionTime(markedForDeleteAt: 9, localDeletionTime: 400))],
                    cells: [.tombstone(column: 1, timestamp: 14, now: 800)]),
                Row(clustering: Clustering([2]), liveness: LivenessInfo(timestamp: 8)),
            ]
            let (_, m) = try writeSSTable([p], directory: dir)
            #expect(m.tombstones.partition == 1 && m.tombstones.range == 1 && m.tombstones.row == 1)
            #expect(m.tombstones.cell == 1 && m.tombstones.complex == 1)
            #expect(m.minTimestamp == 8 && m.maxTimestamp == 14)
            #expect(m.maxLocalDeletionTime == 1100)
            #expect(m.containsNonExpiringData)
            #expect(m.partitionCount == 1 && m.rowCount == 2)
        }
    }

    @Test func bloomFalsePositiveRateWithinBounds() throws {
        var rng = SplitMix64(seed: 7)
        var filter = BloomFilter(expectedKeys: 20_000, falsePositiveChance: 0.01)
        for _ in 0..<20_000 { filter.insert(bytes(&rng, count: 16)) }
        var falsePositives = 0
        for _ in 0..<20_000 where filter.mayContain(bytes(&rng, count: 17)) { falsePositives += 1 }
        #expect(falsePositives < 20_000 / 50, "false-positive rate \(Double(falsePositives) / 20_000)")

        try withTemporaryDirectory { dir in
            let keys = randomKeys(&rng, count: 2000)
            let (descriptor, _) = try writeSSTable(keys.map { PartitionUpdate(table: testTable, key: $0, rows: [Row(clustering: .empty)]) },
                                                   directory: dir)
            let reader = try SSTableReader.open(descriptor, cache: nil)
            #expect(keys.allSatisfy(reader.mayContain))
            let absent = (0..<5000).map { _ in PartitionKey(bytes(&rng, count: 30)) }
            let hits = absent.filter(reader.mayContain).count
            #expect(hits < 100, "\(hits) of 5000 absent keys passed the filter")
        }
    }

    @Test(arguments: [
        // (slice a, slice b, may overlap)
        (ClusteringSlice.all, ClusteringSlice.prefix([1]), true),
        (.prefix([1]), .prefix([2]), false),
        (.prefix([1]), .prefix([1, 5]), true),
        (ClusteringSlice(start: .init(prefix: [1], inclusive: false), end: .unbounded), .prefix([1, 5]), false),
        (ClusteringSlice(start: .unbounded, end: .init(prefix: [3], inclusive: false)), .prefix([3]), false),
        (ClusteringSlice(start: .unbounded, end: .init(prefix: [3], inclusive: true)), .prefix([3, 0]), true),
        (ClusteringSlice(start: .init(prefix: [2], inclusive: true), end: .init(prefix: [4], inclusive: true)),
         ClusteringSlice(start: .init(prefix: [4, 9], inclusive: true), end: .unbounded), true),
        (ClusteringSlice(start: .init(prefix: [2], inclusive: true), end: .init(prefix: [4], inclusive: false)),
         ClusteringSlice(start: .init(prefix: [4, 9], inclusive: true), end: .unbounded), false),
    ])
    func sliceOverlap(a: ClusteringSlice, b: ClusteringSlice, overlaps: Bool) {
        #expect(a.mayOverlap(b) == overlaps)
        #expect(b.mayOverlap(a) == overlaps)
    }

    func scanAll(_ scanner: SSTableScanner) throws -> [PartitionUpdate] {
        var out: [PartitionUpdate] = []
        while let p = try scanner.next() { out.append(p) }
        return out
    }
}
