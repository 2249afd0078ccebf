import BasaltCore
import BasaltInstruments
import BasaltFileSystem
import Glibc

/// The write-ahead log: every mutation is appended here before it is applied to a memtable, so that
/// a crash loses nothing that was acknowledged. Layout and rules: docs/formats/commitlog.md.
///
/// Records go to segment files that are preallocated and memory-mapped; an append frames the record
/// and copies it into the mapping under one lock (no system call). A single background sync thread
/// forces written ranges to disk and releases durability waiters (`CommitLogSyncMode`).
///
/// Threading: every method is thread-safe. `whenDurable` callbacks run on the sync thread (or on the
/// caller's thread when already durable) and must be cheap. The sync thread keeps the log alive until
/// `close()`, which must be called.
public final class CommitLog: @unchecked Sendable {
    public let directory: String
    public let configuration: CommitLogConfiguration
    /// Where the segments live: the real disk, or a simulated one in tests.
    let fileSystem: any FileSystem
    let syncRunner: CommitLogSyncRunner
    /// In group mode, pending bytes after which the sync thread stops waiting out its window: the
    /// window exists to batch acknowledgements, not to let megabytes pile up behind one fsync.
    let groupSyncThreshold: Int

    let monitor = Monitor()
    /// The sync thread sleeps on it until there is something to sync (or its timer runs out).
    let workAvailable: Monitor.Condition
    /// Durability waiters sleep on it; broadcast after every sync cycle.
    let durabilityAdvanced: Monitor.Condition

    // Everything below is guarded by `monitor`.
    /// The segment appends go to.
    var active: MappedSegment
    /// Segments this process filled, oldest first; dropped by `discardSegments`.
    var sealed: [MappedSegment] = []
    /// Segments found at startup: what `replay` reads.
    var existing: [ExistingSegment]
    /// The next segment, prepared by the sync thread so a switch does not wait for fallocate.
    var spare: MappedSegment?
    var wantsSpare = true
    var nextSegmentID: UInt64
    var durable: CommitLogPosition
    /// Ranges whose sync failed: positions ending inside one are never reported durable.
    var syncFailures: [SyncFailure] = []
    var lastSyncError: CommitLogError?
    var pendingCallbacks: [PendingCallback] = []
    var lifecycle = Lifecycle.open
    /// A `sync()` caller is waiting: sync without waiting out the window or interval.
    var syncRequested = false
    /// The first append after a sync snapshot signals the sync thread; later ones need not.
    var syncThreadNotified = false
    var thresholdNotified = false
    /// Monotonic time at which the sync thread first saw the pending data (0: none pending).
    var unsyncedSince: UInt64 = 0
    var counters = CommitLogCounters()
    /// Lock-free, so the sync thread records without taking the monitor again.
    let syncLatency = AtomicLatencyHistogram()
    private var syncThread = pthread_t()

    enum Lifecycle { case open, closing, closed }

    struct SyncFailure {
        var segment: UInt64
        var from: Int
        var to: Int
        var error: CommitLogError
    }

    struct PendingCallback {
        var position: CommitLogPosition
        var callback: @Sendable (CommitLogError?) -> Void
    }

    /// Opens the log in `directory` (created if missing) on `fileSystem`. Segments already there are
    /// kept for `replay()`; new records go to a new segment whose id is above all of theirs.
    /// `wallClock` (milliseconds since the epoch) seeds the ids: the node's clock, a simulation's
    /// virtual one in a simulated cluster, so that a seed names the same files in every run.
    /// `syncRunner`: the log's own sync thread, or cycles the caller schedules (a simulation).
    public init(directory: String, configuration: CommitLogConfiguration = CommitLogConfiguration(),
                fileSystem: any FileSystem = PosixFileSystem(),
                wallClock: @Sendable () -> UInt64 = CommitLog.wallClockMilliseconds,
                syncRunner: CommitLogSyncRunner = .ownThread) throws(CommitLogError) {
        if let problem = configuration.problem() { throw .invalidConfiguration(problem) }
        do { try fileSystem.makeDirectories(directory) } catch { throw .io(error) }
        let existing = try SegmentDirectory.segments(in: directory, fileSystem: fileSystem)
        // Ids start at the wall clock in milliseconds (Cassandra's rule), so they keep growing across
        // restarts even after every old segment was deleted: positions saved elsewhere stay ordered.
        let firstID = max((existing.last?.id ?? 0) + 1, wallClock())
        let first = try MappedSegment.create(in: directory, id: firstID, size: configuration.segmentSize,
                                             maximumRecordSize: configuration.maximumRecordSize, fileSystem: fileSystem)
        self.directory = directory
        self.configuration = configuration
        self.fileSystem = fileSystem
        self.syncRunner = syncRunner
        if case .group = configuration.syncMode {
            groupSyncThreshold = min(1 << 20, configuration.segmentSize / 4)
        } else {
            groupSyncThreshold = .max
        }
        workAvailable = Monitor.Condition(monitor)
        durabilityAdvanced = Monitor.Condition(monitor)
        active = first
        self.existing = existing
        nextSegmentID = firstID + 1
        durable = CommitLogPosition(segment: firstID, offset: 0)
        counters.segmentsCreated = 1

        if syncsOnCallers {
            // The first cycle makes the spare segment, as the thread's first turn would.
            monitor.lock()
            wakeSyncer()
            monitor.unlock()
            return
        }
        let context = Unmanaged.passRetained(self).toOpaque()
        let status = pthread_create(&syncThread, nil, { context in
            let log = Unmanaged<CommitLog>.fromOpaque(context!).takeRetainedValue()
            log.runSyncThread()
            return nil
        }, context)
        if status != 0 {
            Unmanaged<CommitLog>.fromOpaque(context).release()
            try? fileSystem.remove(first.path)
            lifecycle = .closed
            throw .io(operation: "pthread_create", path: directory, errno: status)
        }
    }

    deinit {
        assert(lifecycle == .closed, "the sync thread holds the log until close(), so only a closed log is freed")
    }

    /// Encodes `mutation` with `DataCodec` and appends it. See `append(encoded:)`.
    /// The file name of segment `id` in a commit-log directory (for tools that write segments).
    public static func segmentFileName(id: UInt64) -> String { SegmentLayout.fileName(id: id) }

    public func append(_ mutation: Mutation) throws(CommitLogError) -> CommitLogPosition {
        try append(encoded: DataCodec.encode(mutation))
    }

    /// Appends one record and returns the position just after it: pass it to `waitUntilDurable` or
    /// `whenDurable` before acknowledging the write. Positions of successive appends strictly increase.
    /// Fails, writing nothing, when the payload is empty or too large, when the log is closed, or
    /// when a new segment is needed and cannot be created (`.io`, e.g. ENOSPC); later appends retry.
    public func append(encoded payload: [UInt8]) throws(CommitLogError) -> CommitLogPosition {
        guard !payload.isEmpty else { throw .emptyRecord }
        guard payload.count <= configuration.maximumRecordSize else {
            throw .recordTooLarge(size: payload.count, limit: configuration.maximumRecordSize)
        }
        // The checksum is the only per-byte work besides the copy; doing it before taking the lock
        // keeps the critical section to a memcpy.
        let checksum = CRC32C.checksum(payload)
        let frameSize = payload.count + RecordFrame.overhead
        monitor.lock()
        defer { monitor.unlock() }
        guard lifecycle == .open else { throw .closed }
        if active.mustSeal || active.written + frameSize > active.size { try switchSegment() }
        let segment = active
        payload.withUnsafeBytes {
            RecordFrame.write(payload: $0, payloadChecksum: checksum, to: segment.base + segment.written)
        }
        segment.written += frameSize
        counters.recordsAppended += 1
        counters.bytesAppended += frameSize
        if !syncThreadNotified {
            syncThreadNotified = true
            wakeSyncer()
        } else if !thresholdNotified && counters.bytesAppended - counters.bytesAtLastSnapshot >= groupSyncThreshold {
            thresholdNotified = true
            wakeSyncer()
        }
        return CommitLogPosition(segment: segment.id, offset: UInt32(segment.written))
    }

    /// Where the log currently ends: every later append returns a position after this one.
    public var currentPosition: CommitLogPosition {
        monitor.lock()
        defer { monitor.unlock() }
        return appendedEnd
    }

    /// The end of the last record appended. Caller holds the lock.
    var appendedEnd: CommitLogPosition { CommitLogPosition(segment: active.id, offset: UInt32(active.written)) }

    /// Seals the active segment and continues in a fresh one (the spare if ready). Caller holds the lock.
    private func switchSegment() throws(CommitLogError) {
        let next: MappedSegment
        if let ready = spare {
            next = ready
            spare = nil
        } else {
            next = try createSegment(id: takeSegmentID())
            counters.segmentsCreated += 1
        }
        sealed.append(active)
        active = next
        wantsSpare = true
        wakeSyncer()
    }

    /// Tells whoever runs sync cycles that there is work: the sync thread, or the scheduler of a
    /// log without one. Caller holds the lock.
    func wakeSyncer() {
        switch syncRunner {
        case .ownThread: workAvailable.signal()
        case .scheduled(let schedule): schedule { [self] in runScheduledCycle() }
        }
    }

    /// Caller holds the lock.
    func takeSegmentID() -> UInt64 {
        defer { nextSegmentID += 1 }
        return nextSegmentID
    }

    /// Creates a segment; callable without the lock (the sync thread prepares spares that way).
    func createSegment(id: UInt64) throws(CommitLogError) -> MappedSegment {
        try MappedSegment.create(in: directory, id: id, size: configuration.segmentSize,
                                 maximumRecordSize: configuration.maximumRecordSize, fileSystem: fileSystem)
    }

    /// Deletes every segment whose records all lie before `position` (the engine passes the oldest
    /// position an unflushed memtable still needs). The active segment is never deleted; a file that
    /// cannot be deleted stays known and is retried on the next call.
    /// With `keepingReplayed`, segments found at start-up stay (replay met records of tables that
    /// are not open yet, so nothing knows whether they are still needed).
    public func discardSegments(before position: CommitLogPosition, keepingReplayed: Bool = false) {
        monitor.lock()
        defer { monitor.unlock() }
        sealed.removeAll { segment in
            guard segment.id < position.segment || (segment.id == position.segment && Int(position.offset) >= segment.written),
                  removeFile(segment.path) else { return false }
            // The mapping goes when the last reference does (the sync thread may be using it right now).
            syncFailures.removeAll { $0.segment == segment.id }
            return true
        }
        // Segments found at start-up go only when the caller knows every table they serve is open.
        if keepingReplayed { return }
        existing.removeAll { segment in
            (segment.id < position.segment || (segment.id == position.segment && Int(position.offset) >= segment.size))
                && removeFile(segment.path)
        }
    }

    private func removeFile(_ path: String) -> Bool {
        do { try fileSystem.remove(path) } catch { return error.errorNumber == ENOENT }
        return true
    }

    /// Syncs everything appended, stops the sync thread, and deletes the unused spare segment. Throws
    /// the error of a sync that failed during the close. Later calls do nothing; appends fail `.closed`.
    public func close() throws(CommitLogError) {
        monitor.lock()
        guard lifecycle == .open else {
            monitor.unlock()
            return
        }
        lifecycle = .closing
        let failuresBefore = counters.syncFailures
        if syncsOnCallers {
            if hasPendingBytes { performSync() }
        } else {
            workAvailable.signal()
            monitor.unlock()
            // The thread syncs what is pending before it exits (see runSyncThread).
            pthread_join(syncThread, nil)
            monitor.lock()
        }
        lifecycle = .closed
        let leftovers = pendingCallbacks
        pendingCallbacks = []
        let unused = spare
        spare = nil
        let failure = counters.syncFailures > failuresBefore ? lastSyncError : nil
        durabilityAdvanced.broadcast()
        monitor.unlock()
        if let unused { try? fileSystem.remove(unused.path) }
        // The final sync resolved every callback for an appended position, so none should be left.
        assert(leftovers.isEmpty, "callbacks left after the final sync")
        for pending in leftovers { pending.callback(.closed) }
        if let failure { throw failure }
    }

    public var statistics: CommitLogStatistics {
        monitor.lock()
        defer { monitor.unlock() }
        var files = sealed + [active]
        if let spare { files.append(spare) }
        return CommitLogStatistics(
            segmentsOnDisk: existing.count + files.count,
            bytesOnDisk: existing.reduce(0) { $0 + $1.size } + files.reduce(0) { $0 + $1.size },
            segmentsCreated: counters.segmentsCreated,
            recordsAppended: counters.recordsAppended,
            bytesAppended: counters.bytesAppended,
            syncsPerformed: counters.syncsPerformed,
            syncFailures: counters.syncFailures,
            lastSyncError: lastSyncError,
            recordsPerSync: counters.syncsPerformed == 0 ? 0 : Double(counters.recordsSynced) / Double(counters.syncsPerformed),
            recordsReplayed: counters.recordsReplayed,
            durablePosition: durable,
            pendingBytes: counters.bytesAppended - counters.bytesAtLastSnapshot,
            syncLatency: syncLatency.snapshot())
    }

    /// The system's wall clock in milliseconds since the epoch.
    public static func wallClockMilliseconds() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return UInt64(max(time.tv_sec, 0)) * 1000 + UInt64(time.tv_nsec / 1_000_000)
    }
}
