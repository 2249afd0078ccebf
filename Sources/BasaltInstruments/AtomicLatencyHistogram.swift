import Synchronization

/// A latency histogram that any thread records into without a lock: one relaxed atomic add per
/// bucket, count and sum. Readers (a scrape, a virtual table) take a `snapshot`, which is not an
/// instant across buckets (a value recorded meanwhile may be in the count and not yet in its
/// bucket), which is as precise as monitoring needs.
///
/// Buckets follow `LatencyBuckets`. The storage is one allocation made at init and freed at deinit.
public final class AtomicLatencyHistogram: Sendable {
    private nonisolated(unsafe) let buckets: UnsafeMutablePointer<Atomic<Int>>
    private let total = Atomic<Int>(0)
    private let sumNanoseconds = Atomic<Int64>(0)
    private let maximumNanoseconds = Atomic<Int64>(0)

    public init() {
        buckets = .allocate(capacity: LatencyBuckets.count)
        for index in 0..<LatencyBuckets.count { (buckets + index).initialize(to: Atomic(0)) }
    }

    deinit {
        buckets.deinitialize(count: LatencyBuckets.count)
        buckets.deallocate()
    }

    @inline(__always)
    public func record(nanoseconds: Int64) {
        let value = max(0, nanoseconds)
        buckets[LatencyBuckets.index(nanoseconds: value)].add(1, ordering: .relaxed)
        total.add(1, ordering: .relaxed)
        sumNanoseconds.add(value, ordering: .relaxed)
        // The maximum changes rarely once warm, so the load usually settles it without a write.
        var seen = maximumNanoseconds.load(ordering: .relaxed)
        while value > seen {
            let (exchanged, current) = maximumNanoseconds.compareExchange(expected: seen, desired: value, ordering: .relaxed)
            if exchanged { break }
            seen = current
        }
    }

    public func record(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        record(nanoseconds: seconds &* 1_000_000_000 &+ attoseconds / 1_000_000_000)
    }

    public var count: Int { total.load(ordering: .relaxed) }

    public func snapshot() -> LatencySnapshot {
        LatencySnapshot(counts: (0..<LatencyBuckets.count).map { buckets[$0].load(ordering: .relaxed) },
                        sumNanoseconds: sumNanoseconds.load(ordering: .relaxed),
                        maximumNanoseconds: maximumNanoseconds.load(ordering: .relaxed))
    }
}
