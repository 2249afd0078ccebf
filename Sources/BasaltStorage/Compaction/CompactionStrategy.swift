import BasaltCore

/// What a compaction strategy knows of an SSTable: enough to choose, nothing to read.
public struct SSTableSummary: Hashable, Sendable {
    public var generation: UInt64
    public var sizeBytes: Int
    public var level: Int
    public var firstKey: PartitionKey
    public var lastKey: PartitionKey
    public var minTimestamp: Int64
    public var maxTimestamp: Int64

    public init(generation: UInt64, sizeBytes: Int, level: Int, firstKey: PartitionKey, lastKey: PartitionKey,
                minTimestamp: Int64, maxTimestamp: Int64) {
        self.generation = generation
        self.sizeBytes = sizeBytes
        self.level = level
        self.firstKey = firstKey
        self.lastKey = lastKey
        self.minTimestamp = minTimestamp
        self.maxTimestamp = maxTimestamp
    }

    func overlaps(_ other: SSTableSummary) -> Bool { !(lastKey < other.firstKey || other.lastKey < firstKey) }
}

/// One unit of compaction work: merge `inputs` into new SSTables at `outputLevel`, starting a new
/// output file whenever one reaches `maximumOutputBytes` (leveled compaction keeps files small).
public struct CompactionTask: Hashable, Sendable {
    public var inputs: [UInt64]
    public var outputLevel: Int
    public var maximumOutputBytes: Int?
    public var reason: String

    public init(inputs: [UInt64], outputLevel: Int, maximumOutputBytes: Int? = nil, reason: String) {
        self.inputs = inputs
        self.outputLevel = outputLevel
        self.maximumOutputBytes = maximumOutputBytes
        self.reason = reason
    }
}

/// Chooses compactions. A strategy is a pure value: it sees summaries of the SSTables that are not
/// already being compacted and the time, and returns what to do; the table carries it out. That keeps
/// every choice testable without files.
public protocol CompactionStrategy: Sendable {
    /// The next compaction worth doing now, if any.
    func nextTask(_ sstables: [SSTableSummary], nowMicroseconds: Int64) -> CompactionTask?
    /// How many compactions are waiting, roughly (for statistics and backpressure decisions).
    func estimatedPendingTasks(_ sstables: [SSTableSummary], nowMicroseconds: Int64) -> Int
    /// A major compaction: everything into as few SSTables as the strategy allows.
    func majorTask(_ sstables: [SSTableSummary]) -> CompactionTask?
}
