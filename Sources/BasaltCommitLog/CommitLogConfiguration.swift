/// When appended records reach the disk, and therefore when a write may be acknowledged.
public enum CommitLogSyncMode: Sendable, Hashable {
    /// Group commit: a waiter is released only after an fsync covers its record. A group closes when
    /// the sync thread is free and `windowMicroseconds` have passed since its first record (or sooner,
    /// if much data is pending); the records that arrive during an fsync form the next group, so many
    /// writers share one fsync. The default window is 0: on this class of disk (fsync ≈ 150–250 µs)
    /// waiting only adds latency, since the fsync itself gathers the group. A window helps on disks
    /// whose fsync is much faster than writers arrive. Cassandra's `commitlog_sync: group`.
    case group(windowMicroseconds: Int)
    /// Acknowledge at once and fsync every `intervalMilliseconds`: a machine crash can lose up to one
    /// interval of acknowledged writes, a process crash loses nothing (records are in the page cache).
    case periodic(intervalMilliseconds: Int)

    public static let defaultGroup = CommitLogSyncMode.group(windowMicroseconds: 0)
    public static let defaultPeriodic = CommitLogSyncMode.periodic(intervalMilliseconds: 10)
}

/// Who runs the commit log's sync cycles (each: prepare a spare segment if one is wanted, then
/// fsync what was appended and release the waiters it covers).
public enum CommitLogSyncRunner: Sendable {
    /// A thread of the log's own: a node.
    case ownThread
    /// The caller: `schedule` is handed a cycle whenever one is wanted (the first record after a
    /// sync, a spare segment to make) and runs it when it likes — a simulation, as a task of its
    /// seeded scheduler after a seeded delay, so which records a machine crash keeps follows from
    /// the seed. The blocking calls (`sync`, `waitUntilDurable`, `close`) run a cycle themselves.
    /// Group windows and periodic intervals are the scheduler's business then.
    case scheduled(@Sendable (_ cycle: @escaping @Sendable () -> Void) -> Void)
}

/// Tuning of a `CommitLog`; checked by `CommitLog.init`, which throws `.invalidConfiguration`.
public struct CommitLogConfiguration: Sendable, Hashable {
    public var syncMode: CommitLogSyncMode
    /// Bytes preallocated per segment file (header included). At most 1 GiB so offsets fit in 32 bits.
    public var segmentSize: Int
    /// Largest payload `append` accepts; a record never spans segments, so it must fit in an empty one.
    public var maximumRecordSize: Int

    public static let defaultSegmentSize = 32 << 20

    /// `maximumRecordSize` defaults to half the segment size (Cassandra's rule), so a full segment
    /// wastes at most half its space when a large record forces a switch.
    public init(syncMode: CommitLogSyncMode = .defaultGroup, segmentSize: Int = defaultSegmentSize,
                maximumRecordSize: Int? = nil) {
        self.syncMode = syncMode
        self.segmentSize = segmentSize
        self.maximumRecordSize = maximumRecordSize ?? segmentSize / 2
    }

    /// Why this configuration cannot be used, or nil when it can.
    func problem() -> String? {
        if segmentSize < SegmentLayout.minimumSegmentSize || segmentSize > SegmentLayout.maximumSegmentSize {
            return "segmentSize \(segmentSize) outside \(SegmentLayout.minimumSegmentSize)...\(SegmentLayout.maximumSegmentSize)"
        }
        let largest = segmentSize - SegmentHeader.size - RecordFrame.overhead
        if maximumRecordSize < 1 || maximumRecordSize > largest {
            return "maximumRecordSize \(maximumRecordSize) outside 1...\(largest) for segmentSize \(segmentSize)"
        }
        switch syncMode {
        case let .group(window) where window < 0 || window > 1_000_000:
            return "group window \(window) µs outside 0...1000000"
        case let .periodic(interval) where interval < 1 || interval > 60_000:
            return "periodic interval \(interval) ms outside 1...60000"
        default:
            return nil
        }
    }
}
