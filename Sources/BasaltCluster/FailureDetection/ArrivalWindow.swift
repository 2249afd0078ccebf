/// The recent heartbeat inter-arrival times of one endpoint: a bounded window (the oldest interval
/// drops out when it is full) with a running sum, so the mean costs nothing to read.
struct ArrivalWindow: Sendable {
    private var intervals: [Int64]
    private var next = 0
    private var sum: Int64 = 0
    let capacity: Int
    /// When the last heartbeat arrived (or when the window was restarted after a local pause).
    private(set) var lastArrival: MonotonicTime

    /// A window for an endpoint first heard from at `now`. It starts with one assumed interval,
    /// because the right mean depends on the cluster size and erring high (a slow conviction, which
    /// gossip corrects) is better than erring low (false convictions, "flapping").
    init(firstArrival now: MonotonicTime, initialInterval: Int64, capacity: Int) {
        precondition(capacity >= 1 && initialInterval > 0, "window capacity \(capacity), initial interval \(initialInterval)")
        self.capacity = capacity
        intervals = []
        intervals.reserveCapacity(min(capacity, 64))
        lastArrival = now
        record(initialInterval)
    }

    var mean: Double { Double(sum) / Double(intervals.count) }

    /// A heartbeat arrived at `now`. Intervals above `maximumInterval` are not recorded: during a
    /// long partition the mean would grow to the partition's length and a host that keeps losing
    /// connectivity would be convicted ever more slowly; better to keep marking it down quickly.
    mutating func arrival(at now: MonotonicTime, maximumInterval: Int64) {
        let interval = now.nanoseconds - lastArrival.nanoseconds
        if interval > 0 && interval <= maximumInterval { record(interval) }
        lastArrival = max(lastArrival, now)
    }

    /// Pretend the last heartbeat arrived at `now`, without recording an interval (used after the
    /// local process itself stalled, when the silence says nothing about the endpoint).
    mutating func restart(at now: MonotonicTime) {
        lastArrival = max(lastArrival, now)
    }

    private mutating func record(_ interval: Int64) {
        if intervals.count < capacity {
            intervals.append(interval)
        } else {
            sum -= intervals[next]
            intervals[next] = interval
            next = (next + 1) % capacity
        }
        sum += interval
        assert(sum > 0, "interval sum overflowed or went non-positive")
    }
}
