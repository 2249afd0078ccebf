import Histogram
import Synchronization

/// Latencies in microseconds, recorded by many workers at once into a few lock-striped HDR
/// histograms (1 µs to 1 h, 3 significant digits); every second the reporter moves what they
/// gathered into an interval histogram (for the progress line) and the run's total.
public final class LatencyRecorder: Sendable {
    public typealias Latencies = Histogram<UInt64>

    /// Few stripes: with two or three worker threads, contention on one is already rare, and each
    /// stripe's histogram is a few hundred KB to clear every second.
    private let stripes: [Stripe]
    private let total = Mutex(LatencyRecorder.makeHistogram())

    public init(stripes: Int = 4) {
        precondition(stripes > 0)
        self.stripes = (0..<stripes).map { _ in Stripe() }
    }

    public static func makeHistogram() -> Latencies {
        Latencies(lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)
    }

    /// Records one latency; `worker` picks the stripe.
    public func record(microseconds: UInt64, worker: Int) {
        _ = stripes[worker % stripes.count].histogram.withLock { $0.record(max(1, min(microseconds, 3_600_000_000))) }
    }

    /// Everything recorded since the previous call, which is also added to the total.
    public func takeInterval() -> Latencies {
        var interval = Self.makeHistogram()
        for stripe in stripes {
            stripe.histogram.withLock { histogram in
                interval.add(histogram)
                histogram.reset()
            }
        }
        total.withLock { $0.add(interval) }
        return interval
    }

    /// Every latency taken by `takeInterval` so far.
    public var totalHistogram: Latencies { total.withLock { $0 } }

    /// A class because an array cannot hold a `Mutex` (it is not copyable).
    private final class Stripe: Sendable {
        let histogram = Mutex(LatencyRecorder.makeHistogram())
    }
}
