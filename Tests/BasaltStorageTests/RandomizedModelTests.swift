import BasaltCommitLog
import BasaltCore
import Foundation
import Testing
@testable import BasaltStorage

/// The reference the engine is checked against: every fact ever written, kept in plain dictionaries,
/// and the visible state computed the naive way on each read. It shares only `Cell.supersedes`,
/// `DeletionTime` and `LivenessInfo` ordering with the engine (those have their own tests).
struct ModelTable {
    struct ModelRow {
        var marker = LivenessInfo.none
        var deletion = DeletionTime.live
        var cells: [UInt32: Cell] = [:]
    }
    struct ModelPartition {
        var deletion = DeletionTime.live
        var rangeTombstones: [RangeTombstone] = []
        var rows: [Clustering: ModelRow] = [:]
    }
    var partitions: [PartitionKey: ModelPartition] = [:]

    mutating func apply(_ update: PartitionUpdate) {
        var partition = partitions[update.key] ?? ModelPartition()
        partition.deletion = partition.deletion.merged(with: update.partitionDeletion)
        partition.rangeTombstones += update.rangeTombstones
        for row in update.rows {
            var model = partition.rows[row.clustering] ?? ModelRow()
            if row.liveness.supersedes(model.marker) { model.marker = row.liveness }
            model.deletion = model.deletion.merged(with: row.deletion)
            for cell in row.cells {
                if let old = model.cells[cell.column], !cell.supersedes(old) { continue }
                model.cells[cell.column] = cell
            }
            partition.rows[row.clustering] = model
        }
        partitions[update.key] = partition
    }

    /// Visible rows of a partition in the slice: (clustering, column -> value) pairs, ascending.
    func visible(_ key: PartitionKey, slice: ClusteringSlice, now: Int32) -> [(Clustering, [UInt32: [UInt8]])] {
        guard let partition = partitions[key] else { return [] }
        var out: [(Clustering, [UInt32: [UInt8]])] = []
        for clustering in partition.rows.keys.sorted() where slice.contains(clustering) {
            let row = partition.rows[clustering]!
            var deletion = partition.deletion.merged(with: row.deletion)
            for rt in partition.rangeTombstones where rt.slice.contains(clustering) { deletion = deletion.merged(with: rt.deletion) }
            var values: [UInt32: [UInt8]] = [:]
            for (column, cell) in row.cells where cell.isLive(now: now) && cell.timestamp > deletion.markedForDeleteAt {
                values[column] = cell.value!
            }
            let markerLive = row.marker.isLive(now: now) && row.marker.timestamp > deletion.markedForDeleteAt
            if markerLive || !values.isEmpty { out.append((clustering, values)) }
        }
        return out
    }
}

/// Random operations (upserts, TTLs, every kind of deletion, out-of-order timestamps) interleaved
/// with flushes, compactions and close/reopen, with every read compared against `ModelTable`.
@Suite("Randomized engine against a model")
struct RandomizedModelTests {
    static let table = UUID(uuidString: "00000000-0000-0000-0000-00000000000A")!

    enum Strategy: String, CaseIterable, Sendable {
        case sizeTiered, leveled, timeWindow
        var options: CompactionOptions {
            switch self {
            case .sizeTiered: .sizeTiered(minThreshold: 2, maxThreshold: 8, bucketLow: 0.5, bucketHigh: 1.5, minSSTableSize: 1 << 20)
            case .leveled: .leveled(sstableSizeBytes: 4096, fanout: 4)
            case .timeWindow: .timeWindow(windowSeconds: 60, minThreshold: 2, maxThreshold: 8)
            }
        }
    }

    /// Timestamps either arrive in any order (and tombstones are kept for 10 days, since purging one
    /// lets an older write that arrives later show, as in Cassandra), or only increase (and tombstones
    /// are purgeable at once, so purging itself is checked).
    enum Timestamps: String, Sendable { case outOfOrder, increasing }

    static let cases: [(UInt64, Strategy, Timestamps)] = (1...30).map { seed in
        (UInt64(seed), Strategy.allCases[seed % 3], seed % 2 == 0 ? .outOfOrder : .increasing)
    }

    @Test(arguments: cases)
    func randomOperationsMatchModel(seed: UInt64, strategy: Strategy, timestamps: Timestamps) throws {
        var random = SplitMix64(seed: seed)
        let directory = TemporaryDirectory("model-\(seed)")
        defer { directory.remove() }
        let clock = ManualClock()
        var configuration = StorageConfiguration(directory: directory.path,
                                                 commitLog: CommitLogConfiguration(syncMode: .periodic(intervalMilliseconds: 5)),
                                                 memtableFlushBytes: 16 << 10, blockCacheBytes: 1 << 20,
                                                 compactionThroughputBytesPerSecond: 0, clock: clock.function)
        configuration.automaticCompaction = random.next() % 2 == 0
        let options = TableOptions(name: "ks.model", gcGraceSeconds: timestamps == .increasing ? 0 : 864_000,
                                   compaction: strategy.options)
        var engine = try StorageEngine(configuration: configuration)
        var table = try engine.openTable(Self.table, options: options)
        var model = ModelTable()
        let keys = (0..<12).map { PartitionKey([UInt8(0x30 + $0), 0x4B]) }

        func randomClustering() -> Clustering { Clustering([UInt8(random.next() % 4), UInt8(random.next() % 5)]) }
        var clockTimestamp: Int64 = 0
        func randomTimestamp() -> Int64 {
            if timestamps == .outOfOrder { return Int64(random.next() % 1000) }
            clockTimestamp += 1
            return clockTimestamp
        }

        for step in 0..<400 {
            let key = keys[Int(random.next() % UInt64(keys.count))]
            var update = PartitionUpdate(table: Self.table, key: key)
            let now = clock.seconds
            switch random.next() % 20 {
            case 0..<10:
                var row = Row(clustering: randomClustering())
                if random.next() % 2 == 0 {
                    row.liveness = random.next() % 4 == 0
                        ? LivenessInfo(timestamp: randomTimestamp(), ttl: 3, localExpirationTime: now + 3)
                        : LivenessInfo(timestamp: randomTimestamp())
                }
                for column in UInt32(1)...3 where random.next() % 2 == 0 {
                    let value = (0..<Int(random.next() % 40)).map { _ in UInt8(random.next() & 0xFF) }
                    row.cells.append(random.next() % 5 == 0
                        ? Cell.expiring(column: column, timestamp: randomTimestamp(), value: value, ttl: Int32(1 + random.next() % 4), now: now)
                        : Cell.live(column: column, timestamp: randomTimestamp(), value: value))
                }
                update.rows = [row]
            case 10..<12:
                update.rows = [Row(clustering: randomClustering(),
                                   cells: [Cell.tombstone(column: UInt32(1 + random.next() % 3), timestamp: randomTimestamp(), now: now)])]
            case 12..<14:
                update.rows = [Row(clustering: randomClustering(),
                                   deletion: DeletionTime(markedForDeleteAt: randomTimestamp(), localDeletionTime: now))]
            case 14..<16:
                let a = UInt8(random.next() % 4)
                let slice = random.next() % 2 == 0
                    ? ClusteringSlice.prefix([a])
                    : ClusteringSlice(start: ClusteringBound(prefix: [a, UInt8(random.next() % 5)], inclusive: random.next() % 2 == 0),
                                      end: ClusteringBound(prefix: [a], inclusive: true))
                update.rangeTombstones = [RangeTombstone(slice: slice, deletion: DeletionTime(markedForDeleteAt: randomTimestamp(), localDeletionTime: now))]
            case 16:
                let timestamp = randomTimestamp()
                update.partitionDeletion = DeletionTime(markedForDeleteAt: timestamps == .outOfOrder ? timestamp / 2 : timestamp,
                                                        localDeletionTime: now)
            case 17:
                try engine.flush()
                continue
            case 18:
                if random.next() % 2 == 0 { try engine.compactMajor(table) } else { engine.waitForBackgroundWork() }
                clock.advance(seconds: Int64(random.next() % 3))
                continue
            default:
                if random.next() % 3 == 0 {
                    try engine.close()
                    engine = try StorageEngine(configuration: configuration)
                    table = try engine.openTable(Self.table, options: options)
                    try engine.replayCommitLog()
                } else {
                    clock.advance(seconds: 1)
                }
                continue
            }
            model.apply(update)
            try engine.write(Mutation([update]))

            if step % 5 == 0 {
                let probe = keys[Int(random.next() % UInt64(keys.count))]
                let a = UInt8(random.next() % 4)
                let slice = random.next() % 3 == 0 ? ClusteringSlice.all : ClusteringSlice.prefix([a])
                try expectSame(engine: table, model: model, key: probe, slice: slice, now: clock.seconds, seed: seed, step: step)
            }
        }
        engine.waitForBackgroundWork()
        for key in keys { try expectSame(engine: table, model: model, key: key, slice: .all, now: clock.seconds, seed: seed, step: -1) }
        let scanned = try table.scan()
        let expectedKeys = keys.filter { !model.visible($0, slice: .all, now: clock.seconds).isEmpty }.sorted()
        #expect(scanned.map(\.key) == expectedKeys, "scan differs from the model (seed \(seed))")
        try engine.close()
    }

    func expectSame(engine table: Table, model: ModelTable, key: PartitionKey, slice: ClusteringSlice, now: Int32,
                    seed: UInt64, step: Int) throws {
        let expected = model.visible(key, slice: slice, now: now)
        let actual = try table.read(key, slice: slice)
        let actualRows = (actual?.rows ?? []).map { row in
            (row.clustering, Dictionary(uniqueKeysWithValues: row.cells.map { ($0.column, $0.value!) }))
        }
        let same = expected.count == actualRows.count && zip(expected, actualRows).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        #expect(same, "seed \(seed) step \(step) key \(key) slice \(slice): expected \(expected.map { "\($0.0)=\($0.1)" }) got \(actualRows.map { "\($0.0)=\($0.1)" })")
    }
}
