import BasaltCommitLog
import BasaltCore
import BasaltInstruments
import BasaltFileSystem
import BasaltSSTable

/// What a table needs from the engine that owns it: shared caches, limits, a clock, and the
/// background executors. Passed in (rather than reaching back to the engine) so a table can be
/// driven on its own in tests.
struct TableEnvironment: Sendable {
    var cache: BlockCache?
    var fileSystem: any FileSystem
    var memtableFlushBytes: Int
    /// Writers wait while this many memtables of the table are already waiting to be flushed.
    var maximumFlushingMemtables: Int
    var maximumBackpressureWaitMilliseconds: Int
    var compactionThroughputBytesPerSecond: Int
    var clock: @Sendable () -> Int64
    var requestFlush: @Sendable (Table) -> Void
    var requestCompaction: @Sendable (Table) -> Void
}

/// A live SSTable of a table and the level the manifest gives it.
final class LiveSSTable: Sendable {
    let reader: SSTableReader
    let level: Int

    init(reader: SSTableReader, level: Int) {
        self.reader = reader
        self.level = level
    }

    var generation: UInt64 { reader.descriptor.generation }

    var summary: SSTableSummary {
        let m = reader.metadata
        return SSTableSummary(generation: generation, sizeBytes: reader.onDiskSize, level: level,
                              firstKey: m.firstKey, lastKey: m.lastKey, minTimestamp: m.minTimestamp,
                              maxTimestamp: m.maxTimestamp)
    }
}

/// One table's data on this node: an active memtable, memtables being flushed, and the live SSTables
/// (Cassandra's ColumnFamilyStore). Reads merge all of them; writes go to the active memtable.
///
/// Thread safety: `lock` guards the mutable state below; SSTable I/O happens outside it on immutable
/// readers. `manifestLock` serialises changes to the set of SSTables (flush and compaction commits),
/// so the manifest on disk always matches one state of `sstables`.
public final class Table: @unchecked Sendable {
    public let id: TableID
    public let options: TableOptions
    let directory: String
    let environment: TableEnvironment
    let strategy: any CompactionStrategy

    let lock = ConditionLock()
    let manifestLock = ConditionLock()
    // Guarded by `lock`:
    var active: Memtable
    var flushing: [Memtable] = []
    var sstables: [LiveSSTable] = []
    var compacting: Set<UInt64> = []
    var manifest: TableManifest
    var counters = TableCounters()
    var dropped = false
    /// The last flush failure, reported to writers that give up waiting for room.
    var lastFlushError: String?
    /// Time to apply an update to the memtable and to read a partition from every source: the
    /// local latencies of `system_views.local_write_latency` / `local_read_latency` and the metrics.
    /// Lock-free, so recording takes nothing from the table's lock.
    public let localWriteLatency = AtomicLatencyHistogram()
    public let localReadLatency = AtomicLatencyHistogram()

    init(id: TableID, options: TableOptions, directory: String, environment: TableEnvironment) throws {
        self.id = id
        self.options = options
        self.directory = directory
        self.environment = environment
        self.strategy = options.compaction.strategy
        self.active = Memtable(table: id)
        try environment.fileSystem.makeDirectories(directory)
        let manifestPath = directory + "/" + TableManifest.fileName
        if environment.fileSystem.kind(of: manifestPath) != nil {
            manifest = try TableManifest.decode(try environment.fileSystem.readFile(manifestPath, limit: 64 << 20), path: manifestPath)
        } else {
            manifest = TableManifest()
        }
        removeOrphans()
        for entry in manifest.entries {
            let descriptor = SSTableDescriptor(directory: directory, generation: entry.generation)
            sstables.append(LiveSSTable(reader: try SSTableReader.open(descriptor, cache: environment.cache, fileSystem: environment.fileSystem), level: entry.level))
        }
    }

    /// Deletes SSTables the manifest does not list (left by a flush or compaction that crashed before,
    /// or after, its commit) and stray temporary files.
    private func removeOrphans() {
        let live = Set(manifest.entries.map(\.generation))
        for descriptor in SSTableDescriptor.list(in: directory, fileSystem: environment.fileSystem) where !live.contains(descriptor.generation) {
            descriptor.deleteAllComponents(fileSystem: environment.fileSystem)
        }
        for name in (try? environment.fileSystem.listDirectory(directory)) ?? [] where name.hasSuffix(".tmp") {
            try? environment.fileSystem.remove(directory + "/" + name)
        }
    }

    var nowSeconds: Int32 { Int32(clamping: environment.clock() / 1_000_000) }

    // MARK: writes

    /// Blocks while the table has too many memtables waiting for flush: the backpressure that keeps
    /// memory bounded when writes outrun the disk. Called before the commit-log append. Throws
    /// `writeBlocked` after `maximumBackpressureWaitMilliseconds` (flushes failing, e.g. disk full).
    func waitForCapacity() throws {
        let deadline = ContinuousClock.now + .milliseconds(environment.maximumBackpressureWaitMilliseconds)
        try lock.withLock {
            while flushing.count >= environment.maximumFlushingMemtables
                    && active.estimatedBytes >= environment.memtableFlushBytes && !dropped {
                if ContinuousClock.now >= deadline {
                    throw StorageError.writeBlocked(table: options.name, waitedMilliseconds: environment.maximumBackpressureWaitMilliseconds,
                                                    lastFlushError: lastFlushError)
                }
                lock.wait(milliseconds: 100)
            }
        }
    }

    /// Applies an update that is already in the commit log at `position` (nil when not logged);
    /// returns how many bytes the memtable grew by.
    @discardableResult
    func applyToMemtable(_ update: PartitionUpdate, position: CommitLogPosition?) -> Int {
        let started = ContinuousClock.now
        defer { localWriteLatency.record(started.duration(to: .now)) }
        let (full, growth): (Bool, Int) = lock.withLock {
            if let floor = manifest.replayFloor, let position, position < floor { return (false, 0) }
            let before = active.estimatedBytes
            active.apply(update, position: position)
            let growth = active.estimatedBytes - before
            return (active.estimatedBytes >= environment.memtableFlushBytes && switchMemtableLocked(), growth)
        }
        if full { environment.requestFlush(self) }
        return growth
    }

    /// Memtable bytes held now, for the node-wide `MemtableBudget`.
    var memtableMemory: MemtableBudget.TableMemory {
        lock.withLock {
            MemtableBudget.TableMemory(table: id, activeBytes: active.estimatedBytes)
        }
    }

    /// Switches the active memtable out and flushes it, if the flush queue has room (the budget's
    /// choice; the per-table threshold has not been reached).
    func flushForMemtableSpace() {
        if lock.withLock({ switchMemtableLocked() }) { environment.requestFlush(self) }
    }

    /// Moves the active memtable to the flush queue; returns false when it is empty or the queue is full.
    func switchMemtableLocked() -> Bool {
        if active.isEmpty || flushing.count >= environment.maximumFlushingMemtables { return false }
        flushing.append(active)
        active = Memtable(table: id, expectedPartitions: active.partitions.count)
        return true
    }

    /// The oldest commit-log position that unflushed data of this table still depends on.
    func oldestUnflushedPosition() -> CommitLogPosition? {
        lock.withLock {
            ([active] + flushing).compactMap(\.oldestPosition).min()
        }
    }

    // MARK: reads

    /// Every fact about `key` within `slice` from every source, merged; nil if no source has the key.
    public func readMerged(_ key: PartitionKey, slice: ClusteringSlice = .all) throws -> PartitionUpdate? {
        let started = ContinuousClock.now
        defer { localReadLatency.record(started.duration(to: .now)) }
        var merged: PartitionUpdate?
        let tables: [LiveSSTable] = lock.withLock {
            if !active.isEmpty, let update = active.read(key, slice: slice) { merged = update }
            for memtable in flushing {
                if let update = memtable.read(key, slice: slice) {
                    if merged == nil { merged = update } else { merged!.merge(update) }
                }
            }
            return sstables
        }
        if tables.isEmpty { return merged }
        let probe = BloomProbe(key)
        for sstable in tables {
            if let update = try sstable.reader.read(key, slice: slice, probe: probe) {
                if merged == nil { merged = update } else { merged!.merge(update) }
            }
        }
        return merged
    }

    /// What a reader sees of partition `key` within `slice` (rows ascending), nil when nothing is live.
    public func read(_ key: PartitionKey, slice: ClusteringSlice = .all) throws -> ResolvedPartition? {
        guard let merged = try readMerged(key, slice: slice) else { return nil }
        let resolved = PartitionResolver(now: nowSeconds).resolve(merged)
        return resolved.isEmpty ? nil : resolved
    }

    /// Live partitions in token order, starting at `start` (inclusive or not), stopping after
    /// `endToken` (inclusive) or after `limit` partitions. The basis of paging, repair and streaming.
    public func scan(from start: PartitionKey? = nil, inclusive: Bool = true, endToken: Int64? = nil,
                     limit: Int = .max) throws -> [ResolvedPartition] {
        let scanner = try self.scanner(from: start, inclusive: inclusive, endToken: endToken)
        var out: [ResolvedPartition] = []
        while out.count < limit, let partition = try scanner.next() { out.append(partition) }
        return out
    }

    /// A streaming scan: one merge over every source, for walking many partitions (a full-table
    /// scan, streaming to another node) without seeking again for every page.
    public func scanner(from start: PartitionKey? = nil, inclusive: Bool = true, endToken: Int64? = nil) throws -> TableScanner {
        let (memtables, tables): ([Memtable], [LiveSSTable]) = lock.withLock { ([active] + flushing, sstables) }
        var sources: [PartitionSource] = []
        for memtable in memtables where lock.withLock({ !memtable.isEmpty }) {
            sources.append(MemtableSource(memtable: memtable, lock: lock, from: start))
        }
        for sstable in tables {
            if let endToken, sstable.reader.metadata.firstKey.token > endToken { continue }
            if let start, sstable.reader.metadata.lastKey < start { continue }
            sources.append(try sstable.reader.scanner(from: start, fillCache: false))
        }
        return TableScanner(merger: try PartitionMerger(sources), resolver: PartitionResolver(now: nowSeconds),
                            skipping: inclusive ? nil : start, endToken: endToken)
    }

    // MARK: statistics

    public var statistics: TableStatistics {
        let (summaries, memtables, counters) = lock.withLock { (sstables.map(\.summary), [active] + flushing, self.counters) }
        var levels: [Int: Int] = [:]
        for s in summaries { levels[s.level, default: 0] += 1 }
        return TableStatistics(
            name: options.name,
            sstableCount: summaries.count,
            liveBytes: summaries.reduce(0) { $0 + $1.sizeBytes },
            sstablesPerLevel: levels,
            memtableBytes: memtables.reduce(0) { $0 + $1.estimatedBytes },
            memtablePartitions: memtables.reduce(0) { $0 + $1.partitions.count },
            flushingMemtables: memtables.count - 1,
            pendingCompactions: strategy.estimatedPendingTasks(summaries, nowMicroseconds: environment.clock()),
            bytesFlushed: counters.bytesFlushed,
            bytesCompacted: counters.bytesCompacted,
            bytesReadByCompaction: counters.bytesReadByCompaction,
            flushes: counters.flushes,
            compactions: counters.compactions)
    }
}

/// Live partitions of a table in token order, merged from every source as they are read.
public final class TableScanner {
    private let merger: PartitionMerger
    private let resolver: PartitionResolver
    private let skipping: PartitionKey?
    private let endToken: Int64?
    private var finished = false

    init(merger: PartitionMerger, resolver: PartitionResolver, skipping: PartitionKey?, endToken: Int64?) {
        self.merger = merger
        self.resolver = resolver
        self.skipping = skipping
        self.endToken = endToken
    }

    /// The next partition with live data, or nil at the end of the range.
    public func next() throws -> ResolvedPartition? {
        while let merged = try nextMerged() {
            let resolved = resolver.resolve(merged)
            if !resolved.isEmpty { return resolved }
        }
        return nil
    }

    /// The next partition's facts merged from every source but not resolved (tombstones and
    /// shadowed cells included): what a replica sends a coordinator that reconciles replicas.
    public func nextMerged() throws -> PartitionUpdate? {
        while !finished, let merged = try merger.next() {
            if let endToken, merged.key.token > endToken { break }
            if let skipping, merged.key == skipping { continue }
            return merged
        }
        finished = true
        return nil
    }
}

struct TableCounters: Sendable {
    var bytesFlushed = 0
    var bytesCompacted = 0
    var bytesReadByCompaction = 0
    var flushes = 0
    var compactions = 0
}

/// A table's storage figures. Write amplification of the data files is
/// `(bytesFlushed + bytesCompacted) / bytesFlushed`.
public struct TableStatistics: Sendable, Hashable {
    public var name: String
    public var sstableCount: Int
    public var liveBytes: Int
    public var sstablesPerLevel: [Int: Int]
    public var memtableBytes: Int
    public var memtablePartitions: Int
    public var flushingMemtables: Int
    public var pendingCompactions: Int
    public var bytesFlushed: Int
    public var bytesCompacted: Int
    public var bytesReadByCompaction: Int
    public var flushes: Int
    public var compactions: Int
}
