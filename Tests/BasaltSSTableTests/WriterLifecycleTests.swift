import BasaltCore
import Testing
@testable import BasaltSSTable

@Suite struct WriterLifecycleTests {
    static func partitions(_ count: Int) -> [PartitionUpdate] {
        var rng = SplitMix64(seed: 3)
        return randomKeys(&rng, count: count).map { randomPartition(&rng, key: $0, rowCount: 20, valueSize: 100) }
    }

    @Test func abortLeavesNoFiles() throws {
        try withTemporaryDirectory { dir in
            let writer = try SSTableWriter(descriptor: SSTableDescriptor(directory: dir, generation: 7), table: testTable,
                                           options: SSTableWriterOptions(expectedPartitions: 500, chunkSize: 4096))
            for p in Self.partitions(500) { try writer.append(p) }
            #expect(writer.bytesWritten > 0, "1 MiB buffers flushed at least once")
            #expect(!directoryListing(dir).isEmpty)
            writer.abort()
            #expect(directoryListing(dir).isEmpty)
            writer.abort()
        }
    }

    @Test func droppedWriterLeavesNoFiles() throws {
        try withTemporaryDirectory { dir in
            do {
                let writer = try SSTableWriter(descriptor: SSTableDescriptor(directory: dir, generation: 8), table: testTable,
                                               options: SSTableWriterOptions(expectedPartitions: 10))
                for p in Self.partitions(10) { try writer.append(p) }
            }
            #expect(directoryListing(dir).isEmpty)
        }
    }

    @Test func finishWritesEveryComponentAndTOCLast() throws {
        try withTemporaryDirectory { dir in
            let (d, metadata) = try writeSSTable(Self.partitions(50), directory: dir, generation: 12)
            #expect(directoryListing(dir) == SSTableComponent.allCases.map { d.path($0) }.map { String($0.split(separator: "/").last!) }.sorted())
            let reader = try SSTableReader.open(d, cache: nil)
            #expect(reader.onDiskSize == SSTableComponent.allCases.reduce(0) { $0 + readFile(d.path($1)).count })
            #expect(metadata.compressedSize == readFile(d.path(.data)).count)
            #expect(metadata.compressedSize < metadata.uncompressedSize)
        }
    }

    @Test func existingGenerationIsNotOverwritten() throws {
        try withTemporaryDirectory { dir in
            let (d, _) = try writeSSTable(Self.partitions(5), directory: dir, generation: 1)
            #expect(throws: SSTableIOError.self) {
                _ = try SSTableWriter(descriptor: d, table: testTable, options: SSTableWriterOptions(expectedPartitions: 1))
            }
            #expect(try SSTableReader.open(d, cache: nil).metadata.partitionCount == 5)
        }
    }

    @Test func listAndDeleteGenerations() throws {
        try withTemporaryDirectory { dir in
            try writeSSTable(Self.partitions(5), directory: dir, generation: 3)
            try writeSSTable(Self.partitions(5), directory: dir, generation: 10)
            // An incomplete generation (no TOC) and an unrelated file.
            writeFile("\(dir)/11-Data.db", [1, 2, 3])
            writeFile("\(dir)/notes.txt", [1])
            writeFile("\(dir)/x-Data.db", [1])
            #expect(SSTableDescriptor.list(in: dir).map(\.generation) == [3, 10, 11])
            SSTableDescriptor(directory: dir, generation: 11).deleteAllComponents()
            SSTableDescriptor(directory: dir, generation: 3).deleteAllComponents()
            #expect(SSTableDescriptor.list(in: dir).map(\.generation) == [10])
            #expect(directoryListing(dir).filter { $0.hasPrefix("3-") }.isEmpty)
            #expect(SSTableDescriptor.list(in: "\(dir)/nonexistent").isEmpty)
        }
    }
}

@Suite struct BlockCacheTests {
    @Test func evictsToStayWithinCapacity() {
        let cache = BlockCache(capacity: 10_000, shardCount: 1)
        for i in 0..<100 { cache.insert(.dataChunk(1, i), [UInt8](repeating: UInt8(i), count: 1000)) }
        let stats = cache.statistics
        #expect(stats.bytes <= 10_000 && stats.entries == 10)
        #expect(cache.get(.dataChunk(1, 99)) == [UInt8](repeating: 99, count: 1000))
        #expect(cache.get(.dataChunk(1, 0)) == nil)
        #expect(cache.get(.indexSegment(1, 99)) == nil, "index segments and data chunks do not collide")
    }

    @Test func referencedEntriesGetASecondChance() {
        let cache = BlockCache(capacity: 3000, shardCount: 1)
        for i in 0..<3 { cache.insert(.dataChunk(1, i), [UInt8](repeating: 0, count: 1000)) }
        _ = cache.get(.dataChunk(1, 0))
        cache.insert(.dataChunk(1, 3), [UInt8](repeating: 0, count: 1000))
        #expect(cache.get(.dataChunk(1, 0)) != nil)
        #expect(cache.get(.dataChunk(1, 1)) == nil)
        cache.removeAll()
        #expect(cache.statistics.entries == 0 && cache.statistics.bytes == 0)
    }

    @Test func concurrentUse() async {
        let cache = BlockCache(capacity: 50_000)
        await withTaskGroup(of: Void.self) { group in
            for t in 0..<4 {
                group.addTask {
                    for i in 0..<2000 {
                        let key = BlockCache.Key.dataChunk(UInt64(t), i % 300)
                        if let v = cache.get(key) { #expect(v.count == 100 && v[0] == UInt8(i % 300 % 256)) } else {
                            cache.insert(key, [UInt8](repeating: UInt8(i % 300 % 256), count: 100))
                        }
                    }
                }
            }
        }
        #expect(cache.statistics.bytes <= 50_000)
    }
}
