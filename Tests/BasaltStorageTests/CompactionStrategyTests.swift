import BasaltCore
import Testing
@testable import BasaltStorage

/// The strategies are pure: summaries in, a task out. These pin down what each one chooses.
@Suite struct CompactionStrategyTests {
    static func sstable(_ generation: UInt64, size: Int, level: Int = 0, keys: ClosedRange<UInt8> = 0...255,
                        maxTimestamp: Int64 = 0) -> SSTableSummary {
        SSTableSummary(generation: generation, sizeBytes: size, level: level,
                       firstKey: PartitionKey(token: Int64(keys.lowerBound), bytes: [keys.lowerBound]),
                       lastKey: PartitionKey(token: Int64(keys.upperBound), bytes: [keys.upperBound]),
                       minTimestamp: 0, maxTimestamp: maxTimestamp)
    }

    @Test func sizeTieredWaitsForMinThreshold() {
        let strategy = SizeTieredStrategy(minThreshold: 4, minSSTableSize: 10)
        let three = (1...3).map { Self.sstable($0, size: 100) }
        #expect(strategy.nextTask(three, nowMicroseconds: 0) == nil)
        let four = three + [Self.sstable(4, size: 110)]
        #expect(strategy.nextTask(four, nowMicroseconds: 0)?.inputs.sorted() == [1, 2, 3, 4])
    }

    @Test func sizeTieredGroupsSimilarSizesOnly() {
        let strategy = SizeTieredStrategy(minThreshold: 2, minSSTableSize: 10)
        let tables = [Self.sstable(1, size: 100), Self.sstable(2, size: 120), Self.sstable(3, size: 10_000)]
        #expect(strategy.nextTask(tables, nowMicroseconds: 0)?.inputs.sorted() == [1, 2])
        #expect(strategy.buckets(tables).count == 2)
    }

    @Test func sizeTieredCapsAtMaxThreshold() {
        let strategy = SizeTieredStrategy(minThreshold: 2, maxThreshold: 3, minSSTableSize: 1000)
        let tables = (1...7).map { Self.sstable($0, size: 100) }
        #expect(strategy.nextTask(tables, nowMicroseconds: 0)?.inputs.count == 3)
    }

    @Test func leveledPromotesLevelZeroWithOverlaps() {
        let strategy = LeveledStrategy(sstableSizeBytes: 100, fanout: 10)
        let levelZero = (1...4).map { Self.sstable($0, size: 100, keys: 10...20) }
        let levelOne = [Self.sstable(5, size: 100, level: 1, keys: 0...15), Self.sstable(6, size: 100, level: 1, keys: 30...40)]
        let task = strategy.nextTask(levelZero + levelOne, nowMicroseconds: 0)
        #expect(task?.inputs.sorted() == [1, 2, 3, 4, 5])
        #expect(task?.outputLevel == 1)
        #expect(task?.maximumOutputBytes == 100)
    }

    @Test func leveledPromotesOverBudgetLevel() {
        let strategy = LeveledStrategy(sstableSizeBytes: 100, fanout: 2)
        // Level 1 may hold 200 bytes; it holds 300.
        let levelOne = [Self.sstable(1, size: 100, level: 1, keys: 0...9), Self.sstable(2, size: 100, level: 1, keys: 10...19),
                        Self.sstable(3, size: 100, level: 1, keys: 20...29)]
        let levelTwo = [Self.sstable(4, size: 100, level: 2, keys: 5...12), Self.sstable(5, size: 100, level: 2, keys: 50...60)]
        let task = strategy.nextTask(levelOne + levelTwo, nowMicroseconds: 0)
        #expect(task?.inputs.sorted() == [1, 4])
        #expect(task?.outputLevel == 2)
    }

    @Test func timeWindowClosesOldWindows() {
        let strategy = TimeWindowStrategy(windowMicroseconds: 1000, minThreshold: 4)
        let old = [Self.sstable(1, size: 10, maxTimestamp: 100), Self.sstable(2, size: 10, maxTimestamp: 900)]
        let current = [Self.sstable(3, size: 10, maxTimestamp: 5100), Self.sstable(4, size: 10, maxTimestamp: 5200)]
        let task = strategy.nextTask(old + current, nowMicroseconds: 5500)
        #expect(task?.inputs.sorted() == [1, 2])
        // The current window waits for minThreshold.
        #expect(strategy.nextTask(current, nowMicroseconds: 5500) == nil)
        // A window with a single sstable is done.
        #expect(strategy.nextTask([old[0]] + current, nowMicroseconds: 5500) == nil)
    }

    @Test(arguments: [CompactionOptions.sizeTiered(), .leveled(), .timeWindow()])
    func majorTaskTakesEverything(options: CompactionOptions) {
        let tables = (1...5).map { Self.sstable($0, size: 100 * Int($0)) }
        #expect(options.strategy.majorTask(tables)?.inputs.sorted() == [1, 2, 3, 4, 5])
    }
}

@Suite struct PartitionResolverTests {
    static let table = RandomizedModelTests.table
    static let key = PartitionKey([1])

    @Test func partitionDeletionShadowsOlderRowsOnly() {
        var update = PartitionUpdate(table: Self.table, key: Self.key, partitionDeletion: DeletionTime(markedForDeleteAt: 10, localDeletionTime: 0))
        update.rows = [Row(clustering: Clustering([1]), cells: [Cell.live(column: 1, timestamp: 10, value: [1])]),
                       Row(clustering: Clustering([2]), cells: [Cell.live(column: 1, timestamp: 11, value: [2])])]
        let resolved = PartitionResolver(now: 0).resolve(update)
        #expect(resolved.rows.map(\.clustering) == [Clustering([2])])
    }

    @Test func expiredCellsDisappearAndBecomeTombstonesOnCompaction() {
        let update = PartitionUpdate(table: Self.table, key: Self.key, rows: [
            Row(clustering: .empty, cells: [Cell.expiring(column: 1, timestamp: 5, value: [1], ttl: 10, now: 100)]),
        ])
        #expect(!PartitionResolver(now: 109).resolve(update).isEmpty)
        #expect(PartitionResolver(now: 110).resolve(update).isEmpty)
        let compacted = PartitionResolver(now: 110).compact(update, canPurge: { _ in false })
        #expect(compacted?.rows.first?.cells.first?.isTombstone == true)
        #expect(PartitionResolver(now: 110).compact(update, canPurge: { _ in true }) == nil)
    }

    @Test func compactionNeverChangesWhatIsVisible() {
        var update = PartitionUpdate(table: Self.table, key: Self.key)
        update.rangeTombstones = [RangeTombstone(slice: .prefix([1]), deletion: DeletionTime(markedForDeleteAt: 7, localDeletionTime: 0))]
        update.rows = [
            Row(clustering: Clustering([1, 1]), liveness: LivenessInfo(timestamp: 6), cells: [Cell.live(column: 1, timestamp: 8, value: [1])]),
            Row(clustering: Clustering([1, 2]), liveness: LivenessInfo(timestamp: 6)),
            Row(clustering: Clustering([2, 1]), complexDeletions: [ComplexDeletion(column: 4, deletion: DeletionTime(markedForDeleteAt: 3, localDeletionTime: 0))],
                cells: [Cell.live(column: 4, path: [1], timestamp: 2, value: [1]), Cell.live(column: 4, path: [2], timestamp: 4, value: [2])]),
        ]
        let resolver = PartitionResolver(now: 50)
        for purge in [false, true] {
            let compacted = resolver.compact(update, canPurge: { _ in purge }) ?? PartitionUpdate(table: Self.table, key: Self.key)
            #expect(resolver.resolve(compacted) == resolver.resolve(update), "purge \(purge)")
        }
        #expect(resolver.resolve(update).rows.map(\.clustering) == [Clustering([1, 1]), Clustering([2, 1])])
        #expect(resolver.resolve(update).rows.last?.cells.map(\.path) == [[2]])
    }
}
