import BasaltFileSystem
import Glibc

/// How a writer lays out one SSTable. Everything here but the file system and the clock is recorded
/// in the files, so readers need no options of their own.
public struct SSTableWriterOptions: Sendable {
    /// Uncompressed bytes per Data chunk: the unit of decompression, checksumming and caching.
    public var chunkSize = 16_384
    /// lz4 each chunk (kept raw anyway when lz4 does not shrink it).
    public var compression = true
    public var bloomFalsePositiveChance = 0.01
    /// Sizes the bloom filter; more partitions than this raise its false-positive rate.
    public var expectedPartitions: Int
    /// Index entries per index segment (and so per Summary entry).
    public var summaryInterval = 32
    /// A partition whose rows take more bytes than this gets a row index with a block every this many bytes.
    public var rowIndexBlockSize = 65_536
    /// Recorded in the Statistics for the engine (leveled compaction's level).
    public var level = 0
    /// Recorded in the Statistics for the engine (0 = unrepaired).
    public var repairedAt: Int64 = 0
    /// Where the files are written: the real disk, or a simulated one in tests.
    public var fileSystem: any FileSystem = PosixFileSystem()
    /// Milliseconds since the epoch, for the Statistics' creation time: the system clock, or the
    /// node's clock (a simulation's virtual one, so a seed writes the same bytes).
    public var wallClockMilliseconds: @Sendable () -> Int64 = SSTableWriterOptions.systemMilliseconds

    public static func systemMilliseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }

    public init(expectedPartitions: Int, chunkSize: Int = 16_384, compression: Bool = true,
                bloomFalsePositiveChance: Double = 0.01, summaryInterval: Int = 32, rowIndexBlockSize: Int = 65_536,
                level: Int = 0, repairedAt: Int64 = 0) {
        self.expectedPartitions = expectedPartitions
        self.chunkSize = chunkSize
        self.compression = compression
        self.bloomFalsePositiveChance = bloomFalsePositiveChance
        self.summaryInterval = summaryInterval
        self.rowIndexBlockSize = rowIndexBlockSize
        self.level = level
        self.repairedAt = repairedAt
    }
}
