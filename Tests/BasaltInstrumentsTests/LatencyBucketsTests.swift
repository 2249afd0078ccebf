import BasaltInstruments
import Testing

/// A duration, then the bucket it falls in: bounds are 10 µs × 2^(i/4), a bound belongs to its bucket.
@Test(arguments: [
    (0, 0), (1, 0), (10_000, 0), (10_001, 1), (11_892, 1), (11_893, 2), (20_000, 4), (20_001, 5),
    (1_000_000_000, 67), (Int64.max, LatencyBuckets.boundedCount),
] as [(Int64, Int)])
func bucketOfDuration(_ nanoseconds: Int64, _ expected: Int) {
    #expect(LatencyBuckets.index(nanoseconds: nanoseconds) == expected)
}

@Test func boundsAreQuarterOctaves() {
    let bounds = LatencyBuckets.upperBoundsNanoseconds
    #expect(bounds.count == LatencyBuckets.boundedCount)
    #expect(bounds.first == 10_000)
    #expect(bounds[4] == 20_000)
    #expect(bounds[40] == 10_240_000)
    #expect(zip(bounds, bounds.dropFirst()).allSatisfy { $0 < $1 })
}

@Test func quantilesOfAKnownDistribution() {
    var snapshot = LatencySnapshot()
    // 98 values of 1 ms and 2 of 100 ms: p50 is near 1 ms, p99 near 100 ms, both within a bucket (19 %).
    for _ in 0..<98 { snapshot.record(nanoseconds: 1_000_000) }
    for _ in 0..<2 { snapshot.record(nanoseconds: 100_000_000) }
    #expect(snapshot.count == 100)
    #expect(snapshot.maximumNanoseconds == 100_000_000)
    #expect(snapshot.meanNanoseconds == 2_980_000)
    let p50 = snapshot.quantileNanoseconds(0.5), p99 = snapshot.quantileNanoseconds(0.99)
    #expect(p50 > 840_000 && p50 <= 1_000_000 * 119 / 100)
    #expect(p99 > 84_000_000 && p99 <= 100_000_000)
    #expect(LatencySnapshot().quantileNanoseconds(0.5) == 0)
}

@Test func cumulativeBucketsForPrometheus() {
    var snapshot = LatencySnapshot()
    snapshot.record(nanoseconds: 5_000)
    snapshot.record(nanoseconds: 15_000)
    snapshot.record(nanoseconds: 300_000_000_000)
    let (bounds, total) = snapshot.cumulativePowerOfTwoBuckets()
    #expect(total == 3)
    #expect(bounds[0].seconds == 0.00001 && bounds[0].count == 1)
    #expect(bounds[1].seconds == 0.00002 && bounds[1].count == 2)
    #expect(bounds.last!.count == 2)
}

@Test func atomicHistogramCountsEveryRecordFromManyTasks() async {
    let histogram = AtomicLatencyHistogram()
    await withTaskGroup(of: Void.self) { group in
        for task in 0..<8 {
            group.addTask { for i in 0..<10_000 { histogram.record(nanoseconds: Int64(task * 1000 + i)) } }
        }
    }
    let snapshot = histogram.snapshot()
    #expect(histogram.count == 80_000)
    #expect(snapshot.count == 80_000)
    #expect(snapshot.maximumNanoseconds == 7000 + 9999)
    var expectedSum: Int64 = 0
    for task in 0..<8 { for i in 0..<10_000 { expectedSum += Int64(task * 1000 + i) } }
    #expect(snapshot.sumNanoseconds == expectedSum)
}
