import BasaltCore

/// Per-table storage settings, from the table's schema (`WITH gc_grace_seconds = ... AND compaction = {...}`).
public struct TableOptions: Sendable, Hashable {
    /// A readable name for directories and logs ("keyspace.table"); identity is the `TableID`.
    public var name: String
    /// How long a tombstone must be kept so that replicas that missed the delete can still learn it
    /// (Cassandra's default, 10 days).
    public var gcGraceSeconds: Int32
    public var compaction: CompactionOptions
    /// Uncompressed bytes per compressed SSTable chunk (CQL `compression = {'chunk_length_in_kb': 16}`):
    /// smaller chunks make random reads decompress less, larger ones compress better and scan faster.
    public var chunkLengthBytes: Int
    /// lz4 on or off (CQL `compression = {'enabled': false}`).
    public var compression: Bool

    public init(name: String, gcGraceSeconds: Int32 = 864_000, compaction: CompactionOptions = .sizeTiered(),
                chunkLengthBytes: Int = 16 << 10, compression: Bool = true) {
        precondition(chunkLengthBytes >= 512 && chunkLengthBytes <= 1 << 20, "chunk length outside 512 B ... 1 MiB")
        self.name = name
        self.gcGraceSeconds = gcGraceSeconds
        self.compaction = compaction
        self.chunkLengthBytes = chunkLengthBytes
        self.compression = compression
    }
}

/// The compaction strategy of a table and its parameters, named and defaulted as in Cassandra.
public enum CompactionOptions: Sendable, Hashable {
    /// SizeTieredCompactionStrategy: merge SSTables of similar size once `minThreshold` of them exist.
    case sizeTiered(minThreshold: Int = 4, maxThreshold: Int = 32, bucketLow: Double = 0.5, bucketHigh: Double = 1.5,
                    minSSTableSize: Int = 50 << 20)
    /// LeveledCompactionStrategy: non-overlapping levels, each `fanout` times larger than the one before.
    case leveled(sstableSizeBytes: Int = 160 << 20, fanout: Int = 10)
    /// TimeWindowCompactionStrategy: one SSTable per time window (by max write timestamp) once the window closes.
    case timeWindow(windowSeconds: Int64 = 86_400, minThreshold: Int = 4, maxThreshold: Int = 32)

    var strategy: any CompactionStrategy {
        switch self {
        case let .sizeTiered(minThreshold, maxThreshold, bucketLow, bucketHigh, minSSTableSize):
            SizeTieredStrategy(minThreshold: minThreshold, maxThreshold: maxThreshold, bucketLow: bucketLow,
                               bucketHigh: bucketHigh, minSSTableSize: minSSTableSize)
        case let .leveled(sstableSizeBytes, fanout):
            LeveledStrategy(sstableSizeBytes: sstableSizeBytes, fanout: fanout)
        case let .timeWindow(windowSeconds, minThreshold, maxThreshold):
            // A window of millions of days is as good as one spanning all time; it must not overflow.
            TimeWindowStrategy(windowMicroseconds: windowSeconds.multipliedReportingOverflow(by: 1_000_000).overflow
                                   ? .max : windowSeconds * 1_000_000,
                               minThreshold: minThreshold, maxThreshold: maxThreshold)
        }
    }
}
