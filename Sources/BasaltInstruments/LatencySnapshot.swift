/// The counts of a latency histogram at one moment, per bucket of `LatencyBuckets`, with what a
/// report derives from them. Also what a histogram kept under a lock (statement statistics) holds.
public struct LatencySnapshot: Sendable, Hashable {
    public var counts: [Int]
    public var sumNanoseconds: Int64
    public var maximumNanoseconds: Int64

    public init(counts: [Int] = Array(repeating: 0, count: LatencyBuckets.count), sumNanoseconds: Int64 = 0,
                maximumNanoseconds: Int64 = 0) {
        precondition(counts.count == LatencyBuckets.count, "counts of a different layout")
        self.counts = counts
        self.sumNanoseconds = sumNanoseconds
        self.maximumNanoseconds = maximumNanoseconds
    }

    public mutating func record(nanoseconds: Int64) {
        let value = max(0, nanoseconds)
        counts[LatencyBuckets.index(nanoseconds: value)] += 1
        sumNanoseconds += value
        maximumNanoseconds = max(maximumNanoseconds, value)
    }

    public var count: Int { counts.reduce(0, +) }

    public var meanNanoseconds: Int64 {
        let count = count
        return count == 0 ? 0 : sumNanoseconds / Int64(count)
    }

    /// The estimate of `LatencyBuckets.quantileNanoseconds`, capped by the largest value seen (the
    /// interpolation would otherwise place a lone value anywhere in its bucket, above itself).
    public func quantileNanoseconds(_ quantile: Double) -> Int64 {
        min(LatencyBuckets.quantileNanoseconds(quantile, counts: counts) ?? 0, maximumNanoseconds)
    }

    /// Counts at or under each power-of-two bound (every `stepsPerOctave`-th bucket bound), the
    /// layout Prometheus gets: (bound in seconds, cumulative count), then the total for `+Inf`.
    public func cumulativePowerOfTwoBuckets() -> (bounds: [(seconds: Double, count: Int)], total: Int) {
        var bounds: [(Double, Int)] = []
        var running = 0
        for index in 0..<LatencyBuckets.boundedCount {
            running += counts[index]
            if index % LatencyBuckets.stepsPerOctave == 0 {
                bounds.append((Double(LatencyBuckets.upperBoundsNanoseconds[index]) / 1e9, running))
            }
        }
        return (bounds, running + counts[LatencyBuckets.boundedCount])
    }
}
