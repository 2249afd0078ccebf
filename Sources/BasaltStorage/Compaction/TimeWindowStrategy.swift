/// Cassandra's TimeWindowCompactionStrategy, for time series: SSTables are grouped by the time window
/// of their newest write. The current window is compacted size-tiered as data arrives; once a window is
/// in the past, all its SSTables are merged into one, which is then never compacted again (so TTL'd
/// data expires a window at a time and old data is never rewritten).
public struct TimeWindowStrategy: CompactionStrategy {
    public var windowMicroseconds: Int64
    public var minThreshold: Int
    public var maxThreshold: Int

    public init(windowMicroseconds: Int64 = 86_400_000_000, minThreshold: Int = 4, maxThreshold: Int = 32) {
        precondition(windowMicroseconds > 0, "a time window must be positive")
        self.windowMicroseconds = windowMicroseconds
        self.minThreshold = minThreshold
        self.maxThreshold = maxThreshold
    }

    func window(of timestamp: Int64) -> Int64 {
        // Floor division, so that negative timestamps fall in the window below zero.
        timestamp >= 0 ? timestamp / windowMicroseconds : (timestamp + 1) / windowMicroseconds - 1
    }

    /// SSTables grouped by window, newest window first.
    func windows(_ sstables: [SSTableSummary]) -> [(window: Int64, sstables: [SSTableSummary])] {
        let grouped = Dictionary(grouping: sstables) { window(of: $0.maxTimestamp) }
        return grouped.keys.sorted(by: >).map { ($0, grouped[$0]!.sorted { $0.generation < $1.generation }) }
    }

    public func nextTask(_ sstables: [SSTableSummary], nowMicroseconds: Int64) -> CompactionTask? {
        let current = window(of: nowMicroseconds)
        for (window, members) in windows(sstables) {
            if window >= current {
                let tiered = SizeTieredStrategy(minThreshold: minThreshold, maxThreshold: maxThreshold)
                if let task = tiered.nextTask(members, nowMicroseconds: nowMicroseconds) {
                    return CompactionTask(inputs: task.inputs, outputLevel: 0, reason: "time-window: current window, size-tiered")
                }
            } else if members.count >= 2 {
                let inputs = members.prefix(maxThreshold).map(\.generation)
                return CompactionTask(inputs: inputs, outputLevel: 0, reason: "time-window: closing window \(window)")
            }
        }
        return nil
    }

    public func estimatedPendingTasks(_ sstables: [SSTableSummary], nowMicroseconds: Int64) -> Int {
        let current = window(of: nowMicroseconds)
        return windows(sstables).reduce(0) { count, entry in
            count + ((entry.window < current && entry.sstables.count >= 2) || entry.sstables.count >= minThreshold ? 1 : 0)
        }
    }

    public func majorTask(_ sstables: [SSTableSummary]) -> CompactionTask? {
        guard sstables.count > 1 else { return nil }
        return CompactionTask(inputs: sstables.map(\.generation), outputLevel: 0, reason: "major")
    }
}
