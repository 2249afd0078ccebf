import Foundation

/// The bucket layout every latency histogram of the node shares: bucket `i` holds durations up to
/// `10 µs × 2^(i/4)`, so each bucket is about 19 % wider than the one before, from 10 µs to about
/// 168 s, and the last bucket holds everything longer. A quarter-octave is fine enough for a p99
/// within 10 % and coarse enough that a histogram is 98 integers; Prometheus gets every fourth
/// boundary (powers of two), which cumulative counts make exact.
public enum LatencyBuckets {
    /// Buckets with an upper bound; one more (`count`) holds the overflow.
    public static let boundedCount = 97
    public static let count = boundedCount + 1
    public static let smallestBoundNanoseconds: Int64 = 10_000
    /// Buckets per doubling of the bound.
    public static let stepsPerOctave = 4

    /// Upper bounds in nanoseconds, ascending; computed once so the hot path only compares.
    public static let upperBoundsNanoseconds: [Int64] = (0..<boundedCount).map { index in
        Int64((Double(smallestBoundNanoseconds) * pow(2, Double(index) / Double(stepsPerOctave))).rounded())
    }

    /// The bucket of a duration: the first whose bound is at least `nanoseconds`, by binary search
    /// (seven comparisons, no floating point on the hot path).
    @inline(__always)
    public static func index(nanoseconds: Int64) -> Int {
        var low = 0, high = boundedCount
        while low < high {
            let middle = (low + high) >> 1
            if upperBoundsNanoseconds[middle] < nanoseconds { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// The duration under which a fraction `quantile` (0...1) of the counted values lie, interpolated
    /// within its bucket; nil for no values. The overflow bucket answers with the largest bound.
    public static func quantileNanoseconds(_ quantile: Double, counts: some Collection<Int>) -> Int64? {
        precondition(counts.count == count, "counts of a different layout")
        let total = counts.reduce(0, +)
        guard total > 0 else { return nil }
        let rank = max(1, (quantile * Double(total)).rounded(.up))
        var seen = 0
        for (index, bucketCount) in counts.enumerated() where bucketCount > 0 {
            if Double(seen + bucketCount) >= rank {
                guard index < boundedCount else { return upperBoundsNanoseconds[boundedCount - 1] }
                let lower = index == 0 ? 0 : Double(upperBoundsNanoseconds[index - 1])
                let upper = Double(upperBoundsNanoseconds[index])
                let within = (rank - Double(seen)) / Double(bucketCount)
                return Int64((lower + (upper - lower) * within).rounded())
            }
            seen += bucketCount
        }
        return upperBoundsNanoseconds[boundedCount - 1]
    }
}

