/// Latencies in buckets with two significant digits (1.0–9.9 × 10^k ns): percentiles within 1%,
/// constant memory, and merging per-thread histograms is adding arrays.
struct LatencyHistogram {
    private(set) var counts = [UInt64](repeating: 0, count: 20 * 90)
    private(set) var total: UInt64 = 0

    static func bucket(_ nanoseconds: UInt64) -> Int {
        var value = max(nanoseconds, 10)
        var exponent = 0
        while value >= 100 {
            value /= 10
            exponent += 1
        }
        return min(exponent * 90 + Int(value) - 10, 20 * 90 - 1)
    }

    static func lowerBound(_ bucket: Int) -> Double {
        var value = Double(bucket % 90 + 10)
        for _ in 0..<(bucket / 90) { value *= 10 }
        return value
    }

    mutating func record(nanoseconds: UInt64) {
        counts[Self.bucket(nanoseconds)] += 1
        total += 1
    }

    mutating func merge(_ other: LatencyHistogram) {
        for i in counts.indices { counts[i] += other.counts[i] }
        total += other.total
    }

    /// The latency at quantile `q` (0...1) in microseconds.
    func percentileMicroseconds(_ q: Double) -> Double {
        guard total > 0 else { return 0 }
        let target = UInt64((Double(total) * q).rounded(.up))
        var seen: UInt64 = 0
        for (i, count) in counts.enumerated() {
            seen += count
            if seen >= max(target, 1) { return Self.lowerBound(i) / 1000 }
        }
        return Self.lowerBound(counts.count - 1) / 1000
    }
}
