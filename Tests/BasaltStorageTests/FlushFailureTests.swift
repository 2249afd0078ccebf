import BasaltCore
import BasaltSSTable
import Foundation
import Synchronization
import Testing
@testable import BasaltStorage

/// A flush that fails must leave its memtable whole and must not make the next flush fail: the
/// schema table is flushed on every DDL, so one poisoned memtable would wedge schema changes.
@Suite("Flush failures")
struct FlushFailureTests {
    let table = UUID()
    let options = TableOptions(name: "ks.flush_failures")

    func row(_ value: UInt8) -> Row {
        Row(clustering: .empty, cells: [Cell.live(column: 1, timestamp: Int64(value), value: [value])])
    }

    func update(_ key: [UInt8], _ value: UInt8 = 1) -> Mutation {
        Mutation([PartitionUpdate(table: table, key: PartitionKey(key), rows: [row(value)])])
    }

    static let oversized: [(OversizedPart, PartitionUpdate)] = {
        let id = UUID()
        let long = [UInt8](repeating: 0x61, count: 65_536)
        let cell = Cell.live(column: 1, path: long, timestamp: 1, value: [])
        let bound = ClusteringBound(prefix: long, inclusive: true)
        return [
            (.partitionKey, PartitionUpdate(table: id, key: PartitionKey(long))),
            (.clustering, PartitionUpdate(table: id, key: PartitionKey([1]), rows: [Row(clustering: Clustering(long))])),
            (.cellPath, PartitionUpdate(table: id, key: PartitionKey([1]), rows: [Row(clustering: .empty, cells: [cell])])),
            (.clusteringBound, PartitionUpdate(table: id, key: PartitionKey([1]), rangeTombstones: [
                RangeTombstone(slice: ClusteringSlice(start: bound, end: bound),
                               deletion: DeletionTime(markedForDeleteAt: 1, localDeletionTime: 1)),
            ])),
        ]
    }()

    @Test(arguments: oversized.indices)
    func writesOfWhatStorageCannotReadBackAreRefusedBeforeTheMemtable(_ index: Int) throws {
        let directory = TemporaryDirectory("oversized")
        defer { directory.remove() }
        let (part, oversized) = Self.oversized[index]
        let engine = try StorageEngine(configuration: StorageConfiguration(directory: directory.path))
        defer { try? engine.close() }
        let table = try engine.openTable(oversized.table, options: options)
        #expect(throws: StorageError.keyTooLarge(part: part, length: 65_536, limit: 65_535)) {
            try engine.write(Mutation([oversized]))
        }
        // Nothing reached the memtable, so flushes and later writes carry on.
        try engine.write(Mutation([PartitionUpdate(table: oversized.table, key: PartitionKey([2]), rows: [row(2)])]))
        try engine.flush(table)
        #expect(table.statistics.sstableCount == 1)
    }

    @Test func aFailedSSTableWriteKeepsTheMemtableAndTheNextFlushSucceeds() throws {
        let directory = TemporaryDirectory("flush-failure")
        defer { directory.remove() }
        let configuration = StorageConfiguration(directory: directory.path, automaticCompaction: false)
        var engine = try StorageEngine(configuration: configuration)
        var table = try engine.openTable(self.table, options: options)
        try engine.write(update([1], 1))
        try engine.flush(table)

        // A directory where the next SSTable's Data file goes makes its creation fail (as a full or
        // read-only disk would), whoever runs the test: root ignores permission bits, not this.
        try engine.write(update([2], 2))
        let generation = table.lock.withLock { table.manifest.nextGeneration }
        let obstacle = SSTableDescriptor(directory: table.directory, generation: generation).path(.data)
        try FileManager.default.createDirectory(atPath: obstacle, withIntermediateDirectories: false)
        #expect(throws: (any Error).self) { try engine.flush(table) }
        #expect(try table.read(PartitionKey([2]))?.rows.count == 1, "the failed flush's memtable is still read")
        #expect(table.statistics.sstableCount == 1)

        // Once the cause is gone the same memtable (and a newer one) flush, and survive a restart.
        try FileManager.default.removeItem(atPath: obstacle)
        try engine.write(update([3], 3))
        try engine.flush(table)
        #expect(table.statistics.sstableCount >= 2)
        try engine.close()
        engine = try StorageEngine(configuration: configuration)
        defer { try? engine.close() }
        table = try engine.openTable(self.table, options: options)
        for key: UInt8 in 1...3 {
            #expect(try table.read(PartitionKey([key]))?.rows.first?.cells.first?.value == [key])
        }
    }

    @Test func aFailingBackgroundFlushIsReportedAndRetriedUntilItSucceeds() throws {
        let directory = TemporaryDirectory("background-flush-failure")
        defer { directory.remove() }
        let reported = Mutex<[String]>([])
        var configuration = StorageConfiguration(directory: directory.path, memtableFlushBytes: 1 << 10,
                                                 automaticCompaction: false)
        configuration.onBackgroundError = { message in reported.withLock { $0.append(message) } }
        let engine = try StorageEngine(configuration: configuration)
        defer { try? engine.close() }
        let table = try engine.openTable(self.table, options: options)
        let generation = table.lock.withLock { table.manifest.nextGeneration }
        let obstacle = SSTableDescriptor(directory: table.directory, generation: generation).path(.data)
        try FileManager.default.createDirectory(atPath: obstacle, withIntermediateDirectories: false)

        // Past the flush size, the memtable is flushed in the background, which fails and is reported.
        let big = [UInt8](repeating: 7, count: 2 << 10)
        try engine.write(Mutation([PartitionUpdate(table: self.table, key: PartitionKey([9]), rows: [
            Row(clustering: .empty, cells: [Cell.live(column: 1, timestamp: 1, value: big)]),
        ])]))
        let deadline = Date().addingTimeInterval(10)
        while reported.withLock({ $0.isEmpty }) && Date() < deadline { usleep(10_000) }
        #expect(reported.withLock { $0.first?.contains("flush of ks.flush_failures") ?? false })

        try FileManager.default.removeItem(atPath: obstacle)
        engine.waitForBackgroundWork()
        #expect(table.statistics.sstableCount == 1)
        #expect(try table.read(PartitionKey([9]))?.rows.first?.cells.first?.value == big)
    }
}
