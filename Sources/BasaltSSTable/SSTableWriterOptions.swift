import BasaltFileSystem

/// How a writer lays out one SSTable. Everything here but the file system is recorded in the files, so
/// readers need no options of their own.
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
