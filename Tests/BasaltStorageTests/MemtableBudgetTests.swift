import BasaltCommitLog
import BasaltCore
import Foundation
import Testing
@testable import BasaltStorage

/// The node-wide memtable space: the pure budget's decisions, then an engine whose tables together
/// go over it.
@Suite struct MemtableBudgetTests {
    static let a = UUID(uuidString: "00000000-0000-0000-0000-0000000000A1")!
    static let b = UUID(uuidString: "00000000-0000-0000-0000-0000000000B1")!
    static let c = UUID(uuidString: "00000000-0000-0000-0000-0000000000C1")!

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var active: [(TableID, Int)]
        var flushed: TableID?
        var estimateAfter: Int
        var testDescription: String { name }
    }

    /// A 1,600-byte space: the largest is flushed once the active memtables hold 800 bytes.
    static let cases: [Case] = [
        Case(name: "under the cleanup threshold: nothing", active: [(a, 300), (b, 200)], flushed: nil, estimateAfter: 500),
        Case(name: "at it: the largest, no longer counted", active: [(a, 300), (b, 400), (c, 100)], flushed: b, estimateAfter: 400),
        Case(name: "one table alone", active: [(a, 900)], flushed: a, estimateAfter: 0),
        Case(name: "a tie goes to the lowest id, in any order", active: [(c, 400), (a, 400), (b, 400)], flushed: a, estimateAfter: 800),
        Case(name: "no tables", active: [], flushed: nil, estimateAfter: 0),
    ]

    @Test(arguments: cases)
    func decides(_ testCase: Case) {
        var budget = MemtableBudget(spaceBytes: 1600)
        let flushed = budget.decide(testCase.active.map { MemtableBudget.TableMemory(table: $0.0, activeBytes: $0.1) })
        #expect(flushed == testCase.flushed)
        #expect(budget.estimatedBytes == testCase.estimateAfter)
    }

    @Test func growthAsksForACheckAtTheCleanupThreshold() {
        var budget = MemtableBudget(spaceBytes: 1000)
        let answers = [budget.grew(300), budget.grew(199), budget.grew(1)]
        #expect(answers == [false, false, true])
        _ = budget.decide([.init(table: Self.a, activeBytes: 350), .init(table: Self.b, activeBytes: 150)])
        let after = [budget.grew(349), budget.grew(1)]
        #expect(after == [false, true], "counted from what the flush left active (150 bytes)")
    }

    /// Three tables, each far below its own 64 MiB flush size but together over a 256 KiB space:
    /// the one written most is flushed each time the active memtables reach half of it, the others
    /// keep their memtables, and what the memtables hold stays within the space.
    @Test func theLargestMemtableIsFlushedWhenAllTogetherGoOverTheSpace() throws {
        let directory = TemporaryDirectory("memtable-space")
        defer { directory.remove() }
        let space = 256 << 10
        let engine = try StorageEngine(configuration: StorageConfiguration(
            directory: directory.path, commitLog: CommitLogConfiguration(syncMode: .periodic(intervalMilliseconds: 5)),
            memtableFlushBytes: 64 << 20, memtableSpaceBytes: space, blockCacheBytes: 1 << 20, automaticCompaction: false))
        defer { try? engine.close() }
        let tables = try [Self.a, Self.b, Self.c].enumerated().map { index, id in
            try engine.openTable(id, options: TableOptions(name: "ks.t\(index)"))
        }
        func write(_ table: TableID, _ i: Int) throws {
            let row = Row(clustering: .empty, cells: [Cell.live(column: 1, timestamp: 1, value: [UInt8](repeating: UInt8(i & 0xFF), count: 200))])
            try engine.write(Mutation([PartitionUpdate(table: table, key: PartitionKey(Array("k\(i)".utf8)), rows: [row])]))
        }
        for i in 0..<30 { try write(Self.b, i); try write(Self.c, i) }
        for i in 0..<3000 {
            try write(Self.a, i)
            if i % 500 == 0 { engine.waitForBackgroundWork() }
        }
        engine.waitForBackgroundWork()
        let statistics = tables.map(\.statistics)
        #expect(statistics[0].sstableCount >= 2, "the largest table flushed each time the space filled")
        #expect(statistics[1].sstableCount == 0 && statistics[2].sstableCount == 0)
        #expect(statistics.reduce(0) { $0 + $1.memtableBytes } <= space)
        for i in [0, 1500, 2999] {
            #expect(try tables[0].read(PartitionKey(Array("k\(i)".utf8)))?.rows.count == 1)
        }
    }
}
