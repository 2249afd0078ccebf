#if canImport(Glibc)
import Glibc
#endif
import BasaltCommitLog
import BasaltCore
import BasaltFileSystem
import BasaltSSTable
import Dispatch
import Synchronization

/// A node's storage: one commit log shared by all tables, and the tables themselves.
///
/// Write path: `apply` appends the mutation to the commit log, then applies it to each table's
/// memtable; the caller waits for durability with `waitUntilDurable` / `whenDurable` (or uses `write`,
/// which does both). Memtables that fill up are flushed on a background queue, and flushes trigger
/// compactions on another; after each flush, commit-log segments no memtable needs are deleted.
///
/// Start-up: create the engine, `openTable` every table of the schema, then `replayCommitLog()`.
public final class StorageEngine: @unchecked Sendable {
    public let configuration: StorageConfiguration
    public let commitLog: CommitLog
    let cache: BlockCache
    private let tablesLock = ConditionLock()
    private let directoryLock: DirectoryLock
    private var tables: [TableID: Table] = [:]
    private var closed = false
    /// Orders commit-log appends + memtable inserts against segment discards (see `ReadWriteLock`).
    private let writeOrder = ReadWriteLock()
    private let flushQueue = DispatchQueue(label: "basalt.flush")
    private let compactionQueue = DispatchQueue(label: "basalt.compaction")
    private let backgroundWork = DispatchGroup()
    private let memtableBudget: Mutex<MemtableBudget>
    /// Errors from background flushes and compactions, newest last (bounded), for statistics and logs.
    private var backgroundErrors: [String] = []
    /// True while replay runs, and after it if it met records of tables that are not open: the
    /// segments from before this run then stay until the next start (when those tables may be
    /// open), instead of being discarded as if nothing needed them.
    private var keepReplayedSegments = false

    public init(configuration: StorageConfiguration) throws {
        self.configuration = configuration
        try configuration.fileSystem.makeDirectories(configuration.directory + "/tables")
        // Before any file is opened: a second engine on this directory must not touch it.
        directoryLock = try DirectoryLock(directory: configuration.directory, fileSystem: configuration.fileSystem)
        commitLog = try CommitLog(directory: configuration.directory + "/commitlog", configuration: configuration.commitLog,
                                  fileSystem: configuration.fileSystem,
                                  wallClock: { [clock = configuration.clock] in UInt64(max(0, clock() / 1_000)) },
                                  syncRunner: configuration.commitLogSyncRunner)
        cache = BlockCache(capacity: configuration.blockCacheBytes)
        memtableBudget = Mutex(MemtableBudget(spaceBytes: configuration.memtableSpaceBytes))
    }

    // MARK: tables

    /// Opens (or creates) the table `id`, loading its live SSTables and removing orphaned files.
    @discardableResult
    public func openTable(_ id: TableID, options: TableOptions) throws -> Table {
        try tablesLock.withLock {
            if closed { throw StorageError.closed }
            if let existing = tables[id] { return existing }
            let environment = TableEnvironment(
                cache: cache,
                fileSystem: configuration.fileSystem,
                memtableFlushBytes: configuration.memtableFlushBytes,
                maximumFlushingMemtables: configuration.maximumFlushingMemtables,
                maximumBackpressureWaitMilliseconds: configuration.maximumBackpressureWaitMilliseconds,
                compactionThroughputBytesPerSecond: configuration.compactionThroughputBytesPerSecond,
                clock: configuration.clock,
                requestFlush: { [weak self] table in self?.scheduleFlush(table) },
                requestCompaction: { [weak self] table in self?.scheduleCompaction(table) })
            let table = try Table(id: id, options: options, directory: tableDirectory(id, options), environment: environment)
            tables[id] = table
            return table
        }
    }

    func tableDirectory(_ id: TableID, _ options: TableOptions) -> String {
        let safeName = String(options.name.map { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." ? $0 : "_" })
        let hex = withUnsafeBytes(of: id.uuid) { hexString($0) }
        return configuration.directory + "/tables/" + safeName + "-" + hex
    }

    public func table(_ id: TableID) -> Table? { tablesLock.withLock { tables[id] } }

    public var allTables: [Table] { tablesLock.withLock { Array(tables.values) } }

    /// Drops a table: its data is deleted and later writes to it fail with `unknownTable`.
    public func dropTable(_ id: TableID) {
        guard let table = tablesLock.withLock({ tables.removeValue(forKey: id) }) else { return }
        table.drop()
    }

    /// Removes every row of a table, durably (see `Table.truncate`).
    public func truncate(_ id: TableID) throws {
        guard let table = table(id) else { throw StorageError.unknownTable("\(id)") }
        try writeOrder.withWriteLock { try table.truncate(at: commitLog.currentPosition) }
        discardObsoleteSegments(flushed: nil)
    }

    // MARK: start-up

    /// Replays the commit log left by the previous run into the open tables' memtables. Records for
    /// tables that are not open are skipped, and the old segments are then kept (see
    /// `keepReplayedSegments`), so opening a table late never loses its unflushed writes.
    ///
    /// `only`: a second pass for tables opened after the first (their definitions were among the
    /// replayed records), which replays their records alone and keeps the segments as they are.
    @discardableResult
    public func replayCommitLog(only: Set<TableID>? = nil) throws -> CommitLogReplayReport {
        // Held for the whole replay: flushes triggered while replaying must not discard segments
        // whose records for unopened tables are still being walked past.
        let keptBefore = tablesLock.withLock { () -> Bool in
            defer { keepReplayedSegments = true }
            return keepReplayedSegments
        }
        var skippedUnknownTable = false
        let report = try commitLog.replay { mutation, position in
            for update in mutation.updates {
                if let only, !only.contains(update.table) { continue }
                guard let table = table(update.table) else {
                    skippedUnknownTable = true
                    continue
                }
                // Logged by a version that did not refuse it at `apply`: in a memtable it would fail
                // every flush of its table, so it is left out (and reported) instead.
                if let (part, length, limit) = update.oversizedPart {
                    recordBackgroundError("replay skipped an update of \(table.options.name): "
                                          + "\(StorageError.keyTooLarge(part: part, length: length, limit: limit))")
                    continue
                }
                try table.waitForCapacity()
                memtablesGrew(by: table.applyToMemtable(update, position: position))
            }
        }
        if only != nil {
            tablesLock.withLock { keepReplayedSegments = keptBefore }
        } else if !skippedUnknownTable {
            tablesLock.withLock { keepReplayedSegments = false }
        }
        discardObsoleteSegments(flushed: nil)
        return report
    }

    // MARK: writes

    /// Logs `mutation` and applies it to the memtables. It is durable once the commit log says so:
    /// wait with `commitLog.waitUntilDurable(position)` or `whenDurable`, or call `write` instead.
    public func apply(_ mutation: Mutation) throws -> CommitLogPosition {
        // Every reader relies on rows in clustering order (a schema change once wrote its rows
        // in column order, and reads of that partition then skipped some).
        assert(mutation.updates.allSatisfy { update in zip(update.rows, update.rows.dropFirst()).allSatisfy { $0.clustering < $1.clustering } },
               "a partition update's rows out of clustering order")
        for update in mutation.updates {
            if let (part, length, limit) = update.oversizedPart {
                throw StorageError.keyTooLarge(part: part, length: length, limit: limit)
            }
        }
        let targets: [Table] = try tablesLock.withLock {
            if closed { throw StorageError.closed }
            return try mutation.updates.map { update in
                guard let table = tables[update.table] else { throw StorageError.unknownTable("\(update.table)") }
                return table
            }
        }
        // Backpressure before the ordering lock: a writer must never sleep while holding it.
        for table in targets { try table.waitForCapacity() }
        let (position, growth) = try writeOrder.withReadLock {
            let position: CommitLogPosition
            do {
                position = try commitLog.append(mutation)
            } catch {
                throw Self.storageError(error)
            }
            var growth = 0
            for (update, table) in zip(mutation.updates, targets) { growth += table.applyToMemtable(update, position: position) }
            return (position, growth)
        }
        memtablesGrew(by: growth)
        return position
    }

    /// Counts memtable growth against the node-wide space and, when the budget asks, flushes the
    /// largest active memtable.
    private func memtablesGrew(by bytes: Int) {
        guard memtableBudget.withLock({ $0.grew(bytes) }) else { return }
        let all = tablesLock.withLock { Array(tables.values) }
        let memory = all.map(\.memtableMemory)
        guard let chosen = memtableBudget.withLock({ $0.decide(memory) }), let table = all.first(where: { $0.id == chosen }) else { return }
        table.flushForMemtableSpace()
    }

    /// Applies `mutation` and blocks until it is durable by the commit log's sync mode.
    public func write(_ mutation: Mutation) throws {
        let position = try apply(mutation)
        do { try commitLog.waitUntilDurable(position) } catch { throw Self.storageError(error) }
    }

    /// Applies `mutation`; `completion` runs once it is durable (on the commit log's sync thread), or
    /// at once with the error if it could not be logged.
    public func write(_ mutation: Mutation, completion: @escaping @Sendable (Error?) -> Void) {
        do {
            let position = try apply(mutation)
            commitLog.whenDurable(position) { error in completion(error.map(Self.storageError)) }
        } catch {
            completion(error)
        }
    }

    public func write(_ mutation: Mutation) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, Error>) in
            write(mutation) { error in
                if let error { continuation.resume(throwing: error) } else { continuation.resume() }
            }
        }
    }

    static func storageError(_ error: Error) -> Error {
        if let log = error as? CommitLogError { return StorageError.commitLog("\(log)") }
        return error
    }

    // MARK: background work

    func scheduleFlush(_ table: Table) {
        backgroundWork.enter()
        flushQueue.async { [self] in
            defer { backgroundWork.leave() }
            flushPending(table)
        }
    }

    /// Flushes every memtable waiting in `table`; on failure retries after a pause, so that a full disk
    /// holds writes back (through `waitForCapacity`) instead of losing them, and recovers by itself.
    private func flushPending(_ table: Table) {
        var delayMilliseconds = 100
        while true {
            do {
                guard try table.flushOldestMemtable() else { break }
                table.lock.withLock { table.lastFlushError = nil }
                delayMilliseconds = 100
            } catch {
                recordBackgroundError("flush of \(table.options.name): \(error)")
                table.lock.withLock { table.lastFlushError = "\(error)" }
                if tablesLock.withLock({ closed }) || table.lock.withLock({ table.dropped }) { break }
                usleep(UInt32(delayMilliseconds * 1000))
                delayMilliseconds = min(delayMilliseconds * 2, 5000)
            }
        }
        discardObsoleteSegments(flushed: table)
    }

    func scheduleCompaction(_ table: Table) {
        guard configuration.automaticCompaction else { return }
        backgroundWork.enter()
        compactionQueue.async { [self] in
            defer { backgroundWork.leave() }
            while !tablesLock.withLock({ closed }), let (task, inputs) = table.reserveCompaction() {
                do {
                    try table.runCompaction(task, inputs: inputs)
                } catch {
                    recordBackgroundError("compaction of \(table.options.name) (\(task.reason)): \(error)")
                    break
                }
            }
        }
    }

    private func recordBackgroundError(_ message: String) {
        tablesLock.withLock {
            backgroundErrors.append(message)
            if backgroundErrors.count > 100 { backgroundErrors.removeFirst() }
        }
        configuration.onBackgroundError?(message)
    }

    /// After a flush of `flushed`: records in its manifest how far the commit log is flushed for it,
    /// then deletes commit-log segments that no unflushed memtable depends on. The exclusive
    /// `writeOrder` lock waits out writes between their append and their memtable insert, whose
    /// positions the memtables would otherwise not show yet.
    func discardObsoleteSegments(flushed: Table?) {
        let (oldest, flushedFloor) = writeOrder.withWriteLock { () -> (CommitLogPosition, CommitLogPosition?) in
            let current = commitLog.currentPosition
            var oldest = current
            for table in allTables {
                if let position = table.oldestUnflushedPosition(), position < oldest { oldest = position }
            }
            return (oldest, flushed.map { $0.oldestUnflushedPosition() ?? current })
        }
        if let flushed, let flushedFloor {
            do { try flushed.advanceReplayFloor(to: flushedFloor) } catch {
                // Only costs replay time after a restart (flushed data is replayed again, harmlessly).
                recordBackgroundError("recording the flushed position of \(flushed.options.name): \(error)")
            }
        }
        commitLog.discardSegments(before: oldest, keepingReplayed: tablesLock.withLock { keepReplayedSegments })
    }

    // MARK: operations

    /// Flushes every table's memtable to SSTables and waits for it (nodetool flush).
    public func flush() throws {
        for table in allTables { try flush(table) }
    }

    public func flush(_ table: Table) throws {
        var failure: Error?
        // The flush queue may be full when called, so switch and drain until the active memtable was
        // switched out empty-handed: everything written before this call is then in SSTables.
        while failure == nil && table.switchMemtableForFlush() {
            flushQueue.sync {
                do { while try table.flushOldestMemtable() {} } catch { failure = error }
            }
        }
        if let failure { throw failure }
        discardObsoleteSegments(flushed: table)
    }

    /// Compacts each table's SSTables into as few as its strategy allows (nodetool compact).
    public func compactMajor(_ table: Table) throws {
        waitForBackgroundWork()
        var failure: Error?
        compactionQueue.sync {
            if let (task, inputs) = table.reserveCompaction(major: true) {
                do { try table.runCompaction(task, inputs: inputs) } catch { failure = error }
            }
        }
        if let failure { throw failure }
    }

    /// Waits until queued flushes and compactions are done.
    public func waitForBackgroundWork() {
        backgroundWork.wait()
    }

    /// Hard-links every table's live SSTables under `snapshots/<name>` (nodetool snapshot).
    public func snapshot(named name: String) throws {
        for table in allTables { try table.snapshot(named: name) }
    }

    public var statistics: StorageStatistics {
        let errors = tablesLock.withLock { backgroundErrors }
        return StorageStatistics(tables: allTables.map(\.statistics), commitLog: commitLog.statistics,
                                 blockCache: cache.statistics, recentBackgroundErrors: errors)
    }

    /// Stops background work and syncs the commit log. Memtables are not flushed: the commit log
    /// replays them at the next start (as after a crash), which keeps shutdown fast.
    public func close() throws {
        let already = tablesLock.withLock { () -> Bool in
            defer { closed = true }
            return closed
        }
        if already { return }
        for table in allTables { table.lock.withLock { table.lock.broadcast() } }
        waitForBackgroundWork()
        defer { directoryLock.release() }
        try commitLog.close()
    }
}

/// The engine's figures: per table, and the commit log's.
public struct StorageStatistics: Sendable {
    public var tables: [TableStatistics]
    public var commitLog: CommitLogStatistics
    /// Hits, misses and size of the block cache all tables share.
    public var blockCache: BlockCache.Statistics
    public var recentBackgroundErrors: [String]
}
