import BasaltInstruments

/// A snapshot of the log's counters, for metrics and tests.
public struct CommitLogStatistics: Sendable, Hashable {
    /// Segment files in the directory that the log knows of: replayable, written, active and spare.
    public var segmentsOnDisk: Int
    /// Their total size (preallocated, so mostly fixed multiples of the segment size).
    public var bytesOnDisk: Int
    public var segmentsCreated: Int
    public var recordsAppended: Int
    /// Frame bytes appended (payload plus framing).
    public var bytesAppended: Int
    /// Sync cycles run by the sync thread; each forces all pending records to disk at once.
    public var syncsPerformed: Int
    public var syncFailures: Int
    public var lastSyncError: CommitLogError?
    /// Records that became durable per sync cycle, on average: the group-commit batching factor.
    public var recordsPerSync: Double
    public var recordsReplayed: Int
    /// Every record at or before this position has been through a sync.
    public var durablePosition: CommitLogPosition
    /// Bytes appended since the last sync cycle took its snapshot: what the next fsync will cover.
    public var pendingBytes: Int
    /// Time of each sync cycle's system calls (every range of every segment it covered).
    public var syncLatency: LatencySnapshot
}

/// The log's running counts, guarded by its monitor.
struct CommitLogCounters {
    var recordsAppended = 0
    var bytesAppended = 0
    /// `bytesAppended` / `recordsAppended` when the last sync cycle took its snapshot: what is pending.
    var bytesAtLastSnapshot = 0
    var recordsAtLastSnapshot = 0
    var recordsSynced = 0
    var syncsPerformed = 0
    var syncFailures = 0
    var segmentsCreated = 0
    var recordsReplayed = 0
}
