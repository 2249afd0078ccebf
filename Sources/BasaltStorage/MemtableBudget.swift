import BasaltCore

/// The node-wide memtable space (Cassandra's `memtable_heap_space`): when the active memtables of
/// all tables together hold half of `spaceBytes`, the largest is switched out and flushed, so that
/// active and flushing memtables together stay within the space however many tables are written
/// at once (each table alone flushes at `memtableFlushBytes`, usually far below). Half is
/// Cassandra's `memtable_cleanup_threshold` for one flush writer, 1 / (1 + 1); memory already being
/// flushed is not counted, as Cassandra does not, or every check would flush another table for
/// memory that a running flush is about to free.
///
/// Pure: the engine reports how much its memtables grew on each write (`grew`), and when that asks
/// for a check, hands over every table's active memtable size (`decide`) and flushes what it
/// names. Between checks growth is only estimated (flushes are not reported back), so each check
/// resets the estimate to the exact figure.
struct MemtableBudget: Sendable, Equatable {
    struct TableMemory: Sendable, Equatable {
        var table: TableID
        /// Bytes of the memtable writes go to: the one a flush can switch out.
        var activeBytes: Int
    }

    let spaceBytes: Int
    /// Active memtable bytes at which the largest is flushed.
    var cleanupBytes: Int { max(1, spaceBytes / 2) }
    private(set) var estimatedBytes = 0

    init(spaceBytes: Int) {
        self.spaceBytes = spaceBytes
    }

    /// Memtables grew by `bytes`; true when it is time to `decide`.
    mutating func grew(_ bytes: Int) -> Bool {
        estimatedBytes += bytes
        return estimatedBytes >= cleanupBytes
    }

    /// Given every table's active memtable: the one to flush (the largest, as Cassandra), or nil
    /// while they hold less than the cleanup threshold.
    mutating func decide(_ tables: [TableMemory]) -> TableID? {
        let active = tables.reduce(0) { $0 + $1.activeBytes }
        // Ties go to the lowest id, so the choice never depends on the order tables are listed in
        // (a hash order that differs between runs would break a simulation's replay).
        guard active >= cleanupBytes, let largest = tables.max(by: { a, b in
            a.activeBytes != b.activeBytes ? a.activeBytes < b.activeBytes : a.table.uuidString > b.table.uuidString
        }) else {
            estimatedBytes = active
            return nil
        }
        // The caller switches it out now, so it no longer counts as active.
        estimatedBytes = active - largest.activeBytes
        return largest.table
    }
}
