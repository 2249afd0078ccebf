import Glibc

/// The sync thread and the durability waits it releases.
///
/// One thread does every fsync, so concurrent writers share them: in group mode it syncs everything
/// written so far as soon as it is free (after an optional window), and wakes every waiter it covered. A failed sync fails exactly the records it covered (they may or may not
/// be on disk; Linux may even report a retry as successful after dropping the pages, so they are
/// never retried into "durable"), and seals the segment so later records go to a fresh file.
extension CommitLog {
    /// Blocks until an fsync covers `position` (a position `append` returned) in group mode; returns
    /// at once in periodic mode. Throws the sync error if the sync covering it failed.
    public func waitUntilDurable(_ position: CommitLogPosition) throws(CommitLogError) {
        guard case .group = configuration.syncMode else { return }
        monitor.lock()
        defer { monitor.unlock() }
        let end = appendedEnd
        guard position <= end else { throw .positionNotAppended(position, current: end) }
        while true {
            if let outcome = resolution(of: position) { return try outcome.get() }
            // Unreachable in practice: close() syncs everything appended before it marks the log closed.
            if lifecycle == .closed { throw .closed }
            // Without a sync thread nobody else may ever sync it: this caller does (unless a sync
            // that covers it is running right now, which broadcasts when done).
            if syncsOnCallers && hasPendingBytes {
                performSync()
                continue
            }
            durabilityAdvanced.wait()
        }
    }

    /// `waitUntilDurable` in callback form, for callers that must not block a thread. The callback
    /// gets nil once durable or the sync error; it runs on the sync thread (must be cheap, must not
    /// call back into this log's blocking methods), or right here when the outcome is already known.
    public func whenDurable(_ position: CommitLogPosition, _ callback: @escaping @Sendable (CommitLogError?) -> Void) {
        guard case .group = configuration.syncMode else { return callback(nil) }
        monitor.lock()
        if let outcome = resolution(of: position) {
            monitor.unlock()
            return callback(outcome.error)
        }
        let end = appendedEnd
        if position > end || lifecycle == .closed {
            monitor.unlock()
            return callback(lifecycle == .closed ? .closed : .positionNotAppended(position, current: end))
        }
        pendingCallbacks.append(PendingCallback(position: position, callback: callback))
        monitor.unlock()
    }

    /// Forces everything appended so far to disk now (in any mode) and waits for it. Throws if a sync
    /// failed while it waited.
    public func sync() throws(CommitLogError) {
        monitor.lock()
        defer { monitor.unlock() }
        guard lifecycle == .open else { throw .closed }
        let target = appendedEnd
        let failuresBefore = counters.syncFailures
        var outcome = resolution(of: target)
        while outcome == nil {
            if syncsOnCallers {
                // Without a sync thread: sync here, or wait for the sync already covering it.
                if hasPendingBytes { performSync() } else { durabilityAdvanced.wait() }
            } else {
                if !syncRequested {
                    syncRequested = true
                    workAvailable.signal()
                }
                durabilityAdvanced.wait()
            }
            outcome = resolution(of: target)
        }
        if counters.syncFailures > failuresBefore, let error = lastSyncError { throw error }
        try outcome?.get()
    }

    /// Nil while `position` is not yet synced; otherwise success, or the error of the failed sync that
    /// covered it. Caller holds the lock.
    func resolution(of position: CommitLogPosition) -> Result<Void, CommitLogError>? {
        guard position <= durable else { return nil }
        for failure in syncFailures where failure.segment == position.segment
            && failure.from < Int(position.offset) && Int(position.offset) <= failure.to {
            return .failure(failure.error)
        }
        return .success(())
    }

    /// The sync thread's loop; runs with the lock held except while it syncs or creates a segment.
    func runSyncThread() {
        monitor.lock()
        var nextPeriodicSync: UInt64 = 0
        while true {
            if wantsSpare && spare == nil && lifecycle == .open {
                prepareSpare()
                continue
            }
            let pendingBytes = counters.bytesAppended - counters.bytesAtLastSnapshot
            if lifecycle != .open {
                if pendingBytes > 0 {
                    performSync()
                    continue
                }
                break
            }
            if pendingBytes == 0 {
                // A sync() whose target an in-flight cycle already covered: nothing left to do.
                syncRequested = false
                workAvailable.wait()
                continue
            }
            let now = monotonicNanoseconds()
            if !syncRequested && pendingBytes < groupSyncThreshold {
                let deadline: UInt64
                switch configuration.syncMode {
                case let .group(window):
                    // The group stays open `window` after its first record (0 by default: it closes
                    // as soon as this thread is free, and the records that arrive while an fsync
                    // runs form the next group — many writers share one fsync, a lone writer pays
                    // one fsync and no timer). The window starts when this thread first sees pending
                    // data, which the first append after the last snapshot signals at once.
                    if unsyncedSince == 0 { unsyncedSince = now }
                    deadline = unsyncedSince + UInt64(window) * 1000
                case .periodic:
                    deadline = nextPeriodicSync
                }
                if now < deadline {
                    workAvailable.wait(until: deadline)
                    continue
                }
            }
            if case let .periodic(interval) = configuration.syncMode {
                nextPeriodicSync = now + UInt64(interval) * 1_000_000
            }
            performSync()
        }
        monitor.unlock()
    }

    /// One cycle a scheduler runs for a log without a sync thread: the spare segment if one is
    /// wanted, then a sync of what is pending. Does nothing once the log is closed.
    func runScheduledCycle() {
        monitor.lock()
        defer { monitor.unlock() }
        guard lifecycle == .open else { return }
        if wantsSpare && spare == nil { prepareSpare() }
        if hasPendingBytes { performSync() }
    }

    /// Whether records were appended after the last sync began. Lock held.
    var hasPendingBytes: Bool { counters.bytesAppended > counters.bytesAtLastSnapshot }

    /// A log without a sync thread: its blocking calls sync on their callers' threads.
    var syncsOnCallers: Bool {
        if case .scheduled = syncRunner { true } else { false }
    }

    /// Creates the next segment ahead of need. A failure is not reported here: the append that needs
    /// the segment will try again and report it. Lock held on entry and exit, released meanwhile.
    private func prepareSpare() {
        wantsSpare = false
        let id = takeSegmentID()
        monitor.unlock()
        let prepared = try? createSegment(id: id)
        monitor.lock()
        guard let prepared else { return }
        counters.segmentsCreated += 1
        // An append that needed a segment while this one was being made created its own, with a
        // higher id; using this one after it would put older ids after newer records.
        if lifecycle == .open && prepared.id > active.id {
            spare = prepared
        } else {
            try? fileSystem.remove(prepared.path)
            wantsSpare = lifecycle == .open
        }
    }

    /// Syncs every written, unsynced range, then advances the durable position and releases the
    /// waiters it covers. Lock held on entry and exit, released during the system calls.
    func performSync() {
        let target = appendedEnd
        var ranges: [(segment: MappedSegment, from: Int, to: Int)] = []
        for segment in sealed where segment.synced < segment.written {
            ranges.append((segment, segment.synced, segment.written))
        }
        if active.synced < active.written { ranges.append((active, active.synced, active.written)) }
        let recordsCovered = counters.recordsAppended - counters.recordsAtLastSnapshot
        counters.recordsAtLastSnapshot = counters.recordsAppended
        counters.bytesAtLastSnapshot = counters.bytesAppended
        syncRequested = false
        syncThreadNotified = false
        thresholdNotified = false
        unsyncedSince = 0

        monitor.unlock()
        let started = monotonicNanoseconds()
        let errors = ranges.map { $0.segment.sync(from: $0.from, to: $0.to) }
        syncLatency.record(nanoseconds: Int64(monotonicNanoseconds() - started))
        monitor.lock()

        for (range, error) in zip(ranges, errors) {
            range.segment.synced = max(range.segment.synced, range.to)
            guard let error else { continue }
            syncFailures.append(SyncFailure(segment: range.segment.id, from: range.from, to: range.to, error: error))
            lastSyncError = error
            counters.syncFailures += 1
            range.segment.mustSeal = true
        }
        durable = max(durable, target)
        counters.syncsPerformed += 1
        counters.recordsSynced += recordsCovered
        durabilityAdvanced.broadcast()

        var ready: [(callback: @Sendable (CommitLogError?) -> Void, error: CommitLogError?)] = []
        pendingCallbacks.removeAll { pending in
            guard let outcome = resolution(of: pending.position) else { return false }
            ready.append((pending.callback, outcome.error))
            return true
        }
        if ready.isEmpty { return }
        monitor.unlock()
        for (callback, error) in ready { callback(error) }
        monitor.lock()
    }
}

extension Result where Success == Void {
    /// The failure, or nil on success.
    var error: Failure? {
        if case let .failure(error) = self { return error }
        return nil
    }
}
