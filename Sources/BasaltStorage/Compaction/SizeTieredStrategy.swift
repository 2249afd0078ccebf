/// Cassandra's SizeTieredCompactionStrategy: SSTables of similar size are grouped in buckets, and a
/// bucket with at least `minThreshold` members is merged (at most `maxThreshold` at once).
///
/// An SSTable joins a bucket when its size is within [bucketLow, bucketHigh] times the bucket's average,
/// or when both are below `minSSTableSize` (small files all count as one tier). Among eligible buckets it
/// merges the one with the smallest average size: that removes the most files per byte written.
public struct SizeTieredStrategy: CompactionStrategy {
    public var minThreshold: Int
    public var maxThreshold: Int
    public var bucketLow: Double
    public var bucketHigh: Double
    public var minSSTableSize: Int

    public init(minThreshold: Int = 4, maxThreshold: Int = 32, bucketLow: Double = 0.5, bucketHigh: Double = 1.5,
                minSSTableSize: Int = 50 << 20) {
        precondition(minThreshold >= 2 && maxThreshold >= minThreshold, "thresholds out of order")
        precondition(bucketLow > 0 && bucketLow <= 1 && bucketHigh >= 1, "bucket bounds must surround 1")
        self.minThreshold = minThreshold
        self.maxThreshold = maxThreshold
        self.bucketLow = bucketLow
        self.bucketHigh = bucketHigh
        self.minSSTableSize = minSSTableSize
    }

    /// The size tiers, each sorted by size ascending.
    func buckets(_ sstables: [SSTableSummary]) -> [[SSTableSummary]] {
        let sorted = sstables.sorted { ($0.sizeBytes, $0.generation) < ($1.sizeBytes, $1.generation) }
        var buckets: [[SSTableSummary]] = []
        var averages: [Double] = []
        for sstable in sorted {
            let size = Double(sstable.sizeBytes)
            if let index = averages.indices.last {
                let average = averages[index]
                let similar = size >= average * bucketLow && size <= average * bucketHigh
                let bothSmall = sstable.sizeBytes < minSSTableSize && average < Double(minSSTableSize)
                if similar || bothSmall {
                    buckets[index].append(sstable)
                    averages[index] = (average * Double(buckets[index].count - 1) + size) / Double(buckets[index].count)
                    continue
                }
            }
            buckets.append([sstable])
            averages.append(size)
        }
        return buckets
    }

    public func nextTask(_ sstables: [SSTableSummary], nowMicroseconds: Int64) -> CompactionTask? {
        let eligible = buckets(sstables).filter { $0.count >= minThreshold }
        guard let bucket = eligible.first else { return nil }
        let inputs = bucket.prefix(maxThreshold).map(\.generation)
        return CompactionTask(inputs: inputs, outputLevel: 0, reason: "size-tiered: \(inputs.count) similar-size sstables")
    }

    public func estimatedPendingTasks(_ sstables: [SSTableSummary], nowMicroseconds: Int64) -> Int {
        buckets(sstables).reduce(0) { $0 + ($1.count >= minThreshold ? ($1.count + maxThreshold - 1) / maxThreshold : 0) }
    }

    public func majorTask(_ sstables: [SSTableSummary]) -> CompactionTask? {
        guard sstables.count > 1 else { return nil }
        return CompactionTask(inputs: sstables.map(\.generation), outputLevel: 0, reason: "major")
    }
}
