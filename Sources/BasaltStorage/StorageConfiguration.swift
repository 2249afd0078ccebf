#if canImport(Glibc)
import Glibc
#endif
import BasaltCommitLog
import BasaltFileSystem
import Foundation

/// How a node's storage engine is set up. Defaults follow Cassandra where it has one.
public struct StorageConfiguration: Sendable {
    /// Root directory: `commitlog/` and `tables/<name>-<id>/` live under it.
    public var directory: String
    public var commitLog: CommitLogConfiguration
    /// A memtable is switched out and flushed once it holds about this many bytes.
    public var memtableFlushBytes: Int
    /// All tables' memtables together (Cassandra's `memtable_heap_space`): beyond it the largest
    /// active memtable is flushed (`MemtableBudget`).
    public var memtableSpaceBytes: Int
    /// Per table, how many memtables may wait for flush before writers are held back.
    public var maximumFlushingMemtables: Int
    /// Decompressed SSTable chunks kept in memory, shared by all tables (Cassandra's chunk cache,
    /// `file_cache_size`, also defaults to 512 MiB).
    public var blockCacheBytes: Int
    /// Compaction write rate limit in bytes per second (Cassandra's compaction_throughput); 0 = none.
    public var compactionThroughputBytesPerSecond: Int
    /// How long a write may wait for a flush to make room before it fails with `writeBlocked`
    /// (flushes failing on a full disk must not hang writers forever).
    public var maximumBackpressureWaitMilliseconds: Int
    /// Background compaction on or off (tests and the benchmark's fill phase may turn it off).
    public var automaticCompaction: Bool
    /// Wall clock in microseconds since the epoch: TTL expiry, gc grace and time windows read it.
    public var clock: @Sendable () -> Int64
    /// Told of every failed background flush or compaction (and of updates replay left out), so the
    /// node can log them; they are also kept in `StorageStatistics.recentBackgroundErrors`.
    public var onBackgroundError: (@Sendable (String) -> Void)?
    /// Where the commit log, SSTables, manifests and the directory lock live: the real disk, or a
    /// simulated one (tests, the cluster simulator).
    public var fileSystem: any FileSystem = PosixFileSystem()
    /// The commit log's sync thread, or cycles a simulation schedules (`CommitLogSyncRunner`).
    public var commitLogSyncRunner = CommitLogSyncRunner.ownThread

    public init(directory: String,
                commitLog: CommitLogConfiguration = CommitLogConfiguration(),
                memtableFlushBytes: Int = 256 << 20,
                memtableSpaceBytes: Int = StorageConfiguration.defaultMemtableSpaceBytes,
                maximumFlushingMemtables: Int = 2,
                blockCacheBytes: Int = 512 << 20,
                compactionThroughputBytesPerSecond: Int = 64 << 20,
                maximumBackpressureWaitMilliseconds: Int = 10_000,
                automaticCompaction: Bool = true,
                clock: @escaping @Sendable () -> Int64 = StorageConfiguration.systemClock) {
        self.directory = directory
        self.commitLog = commitLog
        self.memtableFlushBytes = memtableFlushBytes
        self.memtableSpaceBytes = memtableSpaceBytes
        self.maximumFlushingMemtables = maximumFlushingMemtables
        self.blockCacheBytes = blockCacheBytes
        self.compactionThroughputBytesPerSecond = compactionThroughputBytesPerSecond
        self.maximumBackpressureWaitMilliseconds = maximumBackpressureWaitMilliseconds
        self.automaticCompaction = automaticCompaction
        self.clock = clock
    }

    /// A quarter of the machine's memory, as Cassandra's default is a quarter of its heap.
    public static var defaultMemtableSpaceBytes: Int {
        Int(min(ProcessInfo.processInfo.physicalMemory / 4, UInt64(Int.max)))
    }

    public static let systemClock: @Sendable () -> Int64 = {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1_000_000 + Int64(now.tv_nsec) / 1_000
    }
}
