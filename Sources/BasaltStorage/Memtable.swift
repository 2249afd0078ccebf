import BasaltCore
import BasaltCommitLog

/// The in-memory, mutable part of a table: every write lands here first, then the whole memtable is
/// flushed to one SSTable.
///
/// Partitions live in a hash map (an insert is a hash lookup plus an in-place merge, the cheapest
/// write path there is); token order is only needed by flushes and scans, which sort the keys once and
/// reuse that order until a new partition arrives. Within a partition rows stay sorted
/// (`PartitionUpdate.merge` has a fast path for appends in clustering order).
///
/// Not thread-safe: the owning `Table` serialises writers and readers of the *active* memtable with
/// its lock. Once switched out for flushing a memtable is never written again, so readers share it freely.
final class Memtable: @unchecked Sendable {
    /// A box so an update can be merged in place inside the dictionary without copying its rows.
    final class Entry {
        var update: PartitionUpdate
        init(_ update: PartitionUpdate) { self.update = update }
    }

    let table: TableID
    private(set) var partitions: [PartitionKey: Entry] = [:]
    /// Approximate heap bytes held, for the flush threshold (not exact: Swift gives no cheap way).
    private(set) var estimatedBytes = 0
    /// The end of the oldest commit-log record applied here: while this memtable is unflushed, the
    /// log must keep every segment from here on.
    private(set) var oldestPosition: CommitLogPosition?
    private(set) var minTimestamp = Int64.max
    private var sortedKeysCache: [PartitionKey]?

    /// `expectedPartitions`: sized from the memtable this one replaces, so that filling it does not
    /// rehash the dictionary a dozen times.
    init(table: TableID, expectedPartitions: Int = 0) {
        self.table = table
        partitions.reserveCapacity(expectedPartitions)
    }

    var isEmpty: Bool { partitions.isEmpty }

    func apply(_ update: PartitionUpdate, position: CommitLogPosition?) {
        assert(update.table == table, "update for another table")
        if let entry = partitions[update.key] {
            entry.update.merge(update)
        } else {
            partitions[update.key] = Entry(update)
            sortedKeysCache = nil
            estimatedBytes += 160 + update.key.bytes.count
        }
        estimatedBytes += Self.estimatedSize(of: update)
        minTimestamp = min(minTimestamp, update.minTimestamp)
        if let position, oldestPosition == nil || position < oldestPosition! { oldestPosition = position }
    }

    /// The memtable's facts about `key` restricted to `slice`, or nil.
    func read(_ key: PartitionKey, slice: ClusteringSlice) -> PartitionUpdate? {
        guard let entry = partitions[key] else { return nil }
        return Self.restrict(entry.update, to: slice)
    }

    /// Every partition in token order, for flushing (no lookups: the entries are sorted directly).
    func sortedUpdates() -> [PartitionUpdate] {
        var entries = partitions.map { (key: $0.key, entry: $0.value) }
        entries.sort { $0.key < $1.key }
        return entries.map(\.entry.update)
    }

    /// Partition keys in token order (sorted once per batch of new partitions).
    func sortedKeys() -> [PartitionKey] {
        if let cached = sortedKeysCache { return cached }
        let keys = partitions.keys.sorted()
        sortedKeysCache = keys
        return keys
    }

    /// A copy of `update` with only the rows in `slice` (deletions and the static row are kept whole).
    static func restrict(_ update: PartitionUpdate, to slice: ClusteringSlice) -> PartitionUpdate {
        if slice == .all { return update }
        var out = update
        out.rows = rows(of: update, in: slice)
        return out
    }

    /// The rows of `update` inside `slice`, found by binary search on the start bound.
    static func rows(of update: PartitionUpdate, in slice: ClusteringSlice) -> [Row] {
        let rows = update.rows
        var low = 0, high = rows.count
        while low < high {
            let mid = (low + high) / 2
            if slice.isAfterStart(rows[mid].clustering) { high = mid } else { low = mid + 1 }
        }
        var end = low
        while end < rows.count && slice.isBeforeEnd(rows[end].clustering) { end += 1 }
        return Array(rows[low..<end])
    }

    static func estimatedSize(of update: PartitionUpdate) -> Int {
        var size = 0
        if let s = update.staticRow { size += estimatedSize(of: s) }
        for row in update.rows { size += estimatedSize(of: row) }
        size += update.rangeTombstones.count * 64
        return size
    }

    static func estimatedSize(of row: Row) -> Int {
        var size = 96 + row.clustering.bytes.count + row.complexDeletions.count * 24
        for cell in row.cells { size += 64 + (cell.value?.count ?? 0) + (cell.path?.count ?? 0) }
        return size
    }
}
