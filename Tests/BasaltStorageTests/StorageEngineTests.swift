import BasaltCommitLog
import BasaltCore
import BasaltSSTable
import Foundation
import Testing
@testable import BasaltStorage

@Suite("Storage engine operations")
struct StorageEngineTests {
    static let table = UUID(uuidString: "00000000-0000-0000-0000-0000000000E1")!
    static let options = TableOptions(name: "ks.ops")

    static func configuration(_ directory: TemporaryDirectory) -> StorageConfiguration {
        StorageConfiguration(directory: directory.path,
                             commitLog: CommitLogConfiguration(syncMode: .periodic(intervalMilliseconds: 5)),
                             memtableFlushBytes: 8 << 10, blockCacheBytes: 1 << 20, automaticCompaction: false)
    }

    static func write(_ engine: StorageEngine, _ index: Int, timestamp: Int64 = 1) throws {
        let row = Row(clustering: .empty, cells: [Cell.live(column: 1, timestamp: timestamp, value: Array("value-\(index)".utf8))])
        try engine.write(Mutation([PartitionUpdate(table: table, key: PartitionKey(Array("key-\(index)".utf8)), rows: [row])]))
    }

    static func value(_ table: Table, _ index: Int) throws -> String? {
        try table.read(PartitionKey(Array("key-\(index)".utf8))).map { String(decoding: $0.rows[0].cells[0].value!, as: UTF8.self) }
    }

    /// A flush or compaction killed before its manifest commit leaves SSTable files and a manifest
    /// temporary behind; reopening deletes them and serves exactly the committed data.
    @Test func orphanedFilesFromAnInterruptedFlushAreRemoved() throws {
        let directory = TemporaryDirectory("orphans")
        defer { directory.remove() }
        var engine = try StorageEngine(configuration: Self.configuration(directory))
        var table = try engine.openTable(Self.table, options: Self.options)
        for i in 0..<50 { try Self.write(engine, i) }
        try engine.flush()
        // Simulate the crash: a complete SSTable the manifest never listed, plus a torn manifest temporary.
        let orphan = SSTableDescriptor(directory: table.directory, generation: 999)
        let writer = try SSTableWriter(descriptor: orphan, table: Self.table, options: SSTableWriterOptions(expectedPartitions: 1))
        try writer.append(PartitionUpdate(table: Self.table, key: PartitionKey(Array("ghost".utf8)),
                                          rows: [Row(clustering: .empty, cells: [Cell.live(column: 1, timestamp: 9, value: [1])])]))
        _ = try writer.finish()
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: table.directory + "/MANIFEST.tmp"))
        try engine.close()

        engine = try StorageEngine(configuration: Self.configuration(directory))
        table = try engine.openTable(Self.table, options: Self.options)
        try engine.replayCommitLog()
        #expect(try table.read(PartitionKey(Array("ghost".utf8))) == nil)
        #expect(SSTableDescriptor.list(in: table.directory).allSatisfy { $0.generation != 999 })
        #expect(!FileManager.default.fileExists(atPath: table.directory + "/MANIFEST.tmp"))
        for i in 0..<50 { #expect(try Self.value(table, i) == "value-\(i)") }
        try engine.close()
    }

    @Test func truncatedDataStaysGoneAfterReplay() throws {
        let directory = TemporaryDirectory("truncate")
        defer { directory.remove() }
        var engine = try StorageEngine(configuration: Self.configuration(directory))
        var table = try engine.openTable(Self.table, options: Self.options)
        for i in 0..<200 { try Self.write(engine, i) }
        try engine.truncate(Self.table)
        try Self.write(engine, 1000)
        try engine.close()
        engine = try StorageEngine(configuration: Self.configuration(directory))
        table = try engine.openTable(Self.table, options: Self.options)
        try engine.replayCommitLog()
        #expect(try table.scan().map(\.key) == [PartitionKey(Array("key-1000".utf8))])
        try engine.close()
    }

    @Test func snapshotHardLinksLiveSSTables() throws {
        let directory = TemporaryDirectory("snapshot")
        defer { directory.remove() }
        let engine = try StorageEngine(configuration: Self.configuration(directory))
        let table = try engine.openTable(Self.table, options: Self.options)
        for i in 0..<100 { try Self.write(engine, i) }
        try engine.flush()
        try engine.snapshot(named: "before")
        let files = FileManager.default.subpaths(atPath: table.directory + "/snapshots/before") ?? []
        #expect(files.contains("MANIFEST"))
        #expect(files.count > 1)
        try engine.compactMajor(table)
        for i in 0..<100 { #expect(try Self.value(table, i) == "value-\(i)") }
        try engine.close()
    }

    @Test func scanPagesThroughEveryPartitionInTokenOrder() throws {
        let directory = TemporaryDirectory("scan")
        defer { directory.remove() }
        let engine = try StorageEngine(configuration: Self.configuration(directory))
        let table = try engine.openTable(Self.table, options: Self.options)
        for i in 0..<500 {
            try Self.write(engine, i)
            if i == 250 { try engine.flush() }
        }
        var seen: [PartitionKey] = []
        var last: PartitionKey?
        while true {
            let page = try table.scan(from: last, inclusive: false, limit: 37)
            if page.isEmpty { break }
            seen += page.map(\.key)
            last = page.last?.key
        }
        #expect(seen.count == 500)
        #expect(seen == seen.sorted())
        let statistics = table.statistics
        #expect(statistics.sstableCount >= 1)
        #expect(statistics.bytesFlushed > 0)
        try engine.close()
    }

    @Test func writesToUnknownTablesFailClearly() throws {
        let directory = TemporaryDirectory("unknown")
        defer { directory.remove() }
        let engine = try StorageEngine(configuration: Self.configuration(directory))
        let update = PartitionUpdate(table: UUID(), key: PartitionKey([1]))
        #expect(throws: StorageError.self) { try engine.write(Mutation([update])) }
        try engine.close()
    }

    /// Many writers on group commit: every write is acknowledged only once durable, and they share syncs.
    @Test func concurrentGroupCommitWriters() throws {
        let directory = TemporaryDirectory("group")
        defer { directory.remove() }
        var configuration = Self.configuration(directory)
        configuration.commitLog = CommitLogConfiguration(syncMode: .defaultGroup)
        let engine = try StorageEngine(configuration: configuration)
        let table = try engine.openTable(Self.table, options: Self.options)
        let failures = ManagedAtomicCounter()
        DispatchQueue.concurrentPerform(iterations: 16) { worker in
            for i in 0..<50 {
                do { try Self.write(engine, worker * 1000 + i) } catch { failures.increment() }
            }
        }
        #expect(failures.value == 0)
        for worker in 0..<16 { for i in 0..<50 { #expect(try Self.value(table, worker * 1000 + i) == "value-\(worker * 1000 + i)") } }
        try engine.close()
    }
}

@Suite("Commit-log replay with tables opened late")
struct LateTableReplayTests {
    /// A table that is not open during replay (its schema loads later, or it is opened by a later
    /// start) must not lose its unflushed writes when other tables flush and discard segments.
    @Test func unflushedWritesOfAnUnopenedTableSurvive() throws {
        let directory = TemporaryDirectory("late-table")
        defer { directory.remove() }
        let first = UUID(), second = UUID()
        var configuration = StorageEngineTests.configuration(directory)
        configuration.commitLog = CommitLogConfiguration(syncMode: .periodic(intervalMilliseconds: 5), segmentSize: 64 << 10)
        func update(_ table: TableID, _ i: Int) -> PartitionUpdate {
            PartitionUpdate(table: table, key: PartitionKey(Array("k\(i)".utf8)),
                            rows: [Row(clustering: .empty, cells: [Cell.live(column: 1, timestamp: 1, value: [UInt8(i & 0xFF)])])])
        }
        var engine = try StorageEngine(configuration: configuration)
        try engine.openTable(first, options: TableOptions(name: "ks.first"))
        try engine.openTable(second, options: TableOptions(name: "ks.second"))
        for i in 0..<300 { try engine.write(Mutation([update(first, i), update(second, i)])) }
        try engine.close()

        // Restart with only the first table open; it flushes (which discards segments it no longer needs).
        engine = try StorageEngine(configuration: configuration)
        let onlyFirst = try engine.openTable(first, options: TableOptions(name: "ks.first"))
        try engine.replayCommitLog()
        for i in 300..<600 { try engine.write(Mutation([update(first, i)])) }
        try engine.flush()
        #expect(try onlyFirst.scan().count == 600)
        try engine.close()

        engine = try StorageEngine(configuration: configuration)
        try engine.openTable(first, options: TableOptions(name: "ks.first"))
        let late = try engine.openTable(second, options: TableOptions(name: "ks.second"))
        try engine.replayCommitLog()
        let count = try late.scan().count
        #expect(count == 300, "the late table lost unflushed writes: \(count) of 300")
        try engine.close()
    }
}
