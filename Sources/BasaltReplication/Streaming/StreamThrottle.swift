import BasaltCluster

/// Paces outbound stream bytes to `stream_throughput_outbound_megabits_per_sec` (Cassandra's key
/// and unit: megabits, 10^6 bits, per second; 0 = unthrottled). Pure: the source asks how long to
/// wait before sending a chunk of `bytes` at `now` and sleeps that long. Each chunk books the time
/// its bytes take at the rate, after the chunks booked before it, so several streams served at
/// once share the rate and an idle source does not save up a burst.
public struct StreamThrottle: Sendable {
    public let bytesPerSecond: Double
    private var nextFree = MonotonicTime.zero

    public init(megabitsPerSecond: Int) {
        bytesPerSecond = Double(megabitsPerSecond) * 1_000_000 / 8
    }

    /// The wait before sending `bytes` at `now` (zero when unthrottled or the rate allows it now).
    public mutating func delay(sending bytes: Int, now: MonotonicTime) -> Duration {
        guard bytesPerSecond > 0 else { return .zero }
        let start = max(now, nextFree)
        nextFree = start + .nanoseconds(Int64(Double(bytes) / bytesPerSecond * 1e9))
        return start - now
    }
}
