import BasaltCore

/// Turns the merged *facts* about a partition (live cells, tombstones, expiring data, from every
/// source) into what a reader sees, or into what compaction keeps.
///
/// Reads and compaction share these rules so that compaction can never change an answer:
/// - a partition deletion shadows every fact at or before its timestamp;
/// - a range tombstone shadows the rows in its slice, a row deletion its row, a complex deletion the
///   elements of its collection column, each at or before its timestamp;
/// - an expiring cell or marker past its expiry is dead (it becomes a tombstone on compaction).
public struct PartitionResolver: Sendable {
    /// Wall-clock second used for TTL expiry.
    public var now: Int32

    public init(now: Int32) { self.now = now }

    /// The deletion covering `row`: the greatest of the partition deletion, the range tombstones that
    /// contain the row, and the row's own deletion.
    func effectiveDeletion(of row: Row, in update: PartitionUpdate) -> DeletionTime {
        var deletion = update.partitionDeletion.merged(with: row.deletion)
        for rt in update.rangeTombstones where rt.deletion.supersedes(deletion) && rt.slice.contains(row.clustering) {
            deletion = rt.deletion
        }
        return deletion
    }

    /// What a reader sees of a row: only live facts, or nil if nothing in the row is live.
    /// Live means: a live marker or at least one live cell not shadowed by a deletion.
    public func visibleRow(_ row: Row, deletion: DeletionTime) -> Row? {
        var out = Row(clustering: row.clustering)
        if !deletion.deletes(row.liveness.timestamp) && row.liveness.isLive(now: now) { out.liveness = row.liveness }
        out.cells.reserveCapacity(row.cells.count)
        var complexIndex = 0
        for cell in row.cells {
            if deletion.deletes(cell.timestamp) || !cell.isLive(now: now) { continue }
            if Self.collectionDeletionShadows(cell, in: row, cursor: &complexIndex) { continue }
            out.cells.append(cell)
        }
        if out.cells.isEmpty && out.liveness.isEmpty { return nil }
        return out
    }

    /// The visible content of a merged partition, rows in ascending clustering order.
    public func resolve(_ update: PartitionUpdate) -> ResolvedPartition {
        var rows: [Row] = []
        rows.reserveCapacity(update.rows.count)
        for row in update.rows {
            if let visible = visibleRow(row, deletion: effectiveDeletion(of: row, in: update)) {
                rows.append(visible)
            }
        }
        var staticRow: Row?
        if let s = update.staticRow {
            staticRow = visibleRow(s, deletion: update.partitionDeletion.merged(with: s.deletion))
        }
        return ResolvedPartition(key: update.key, staticRow: staticRow, rows: rows)
    }

    /// True when `cell` is a collection element shadowed by its column's complex deletion. Cells and
    /// complex deletions are both sorted by column, so `cursor` only moves forward over one row.
    static func collectionDeletionShadows(_ cell: Cell, in row: Row, cursor: inout Int) -> Bool {
        guard cell.path != nil else { return false }
        let deletions = row.complexDeletions
        while cursor < deletions.count && deletions[cursor].column < cell.column { cursor += 1 }
        return cursor < deletions.count && deletions[cursor].column == cell.column
            && deletions[cursor].deletion.deletes(cell.timestamp)
    }

    /// What compaction writes for a merged partition: shadowed facts are dropped, expired data becomes
    /// tombstones, and tombstones are dropped when `canPurge` allows (gc grace has passed and no other
    /// source can hold data they shadow). Returns nil when nothing is left.
    public func compact(_ update: PartitionUpdate, canPurge: (DeletionTime) -> Bool) -> PartitionUpdate? {
        var out = PartitionUpdate(table: update.table, key: update.key)
        if !update.partitionDeletion.isLive && !canPurge(update.partitionDeletion) {
            out.partitionDeletion = update.partitionDeletion
        }
        // A range tombstone older than the partition deletion shadows nothing the latter does not.
        for rt in update.rangeTombstones where rt.deletion.supersedes(update.partitionDeletion) && !canPurge(rt.deletion) {
            if !out.rangeTombstones.contains(rt) { out.rangeTombstones.append(rt) }
        }
        if let s = update.staticRow {
            out.staticRow = compactRow(s, covering: update.partitionDeletion, canPurge: canPurge)
        }
        out.rows.reserveCapacity(update.rows.count)
        for row in update.rows {
            // Shadowing by range tombstones uses them all, purgeable or not: what they shadow is gone either way.
            let covering = effectiveDeletion(of: Row(clustering: row.clustering), in: update)
            if let kept = compactRow(row, covering: covering, canPurge: canPurge) { out.rows.append(kept) }
        }
        return out.isEmpty ? nil : out
    }

    /// Keeps the facts of a row that still matter after compaction.
    func compactRow(_ row: Row, covering: DeletionTime, canPurge: (DeletionTime) -> Bool) -> Row? {
        var out = Row(clustering: row.clustering)
        var deletion = covering
        if row.deletion.supersedes(covering) {
            deletion = row.deletion
            if !canPurge(row.deletion) { out.deletion = row.deletion }
        }
        if !row.liveness.isEmpty && !deletion.deletes(row.liveness.timestamp) {
            // An expired marker still supersedes older markers of the row (in other SSTables), so like
            // an expired cell it is kept until it could be purged as a tombstone dated at its expiry.
            let asTombstone = DeletionTime(markedForDeleteAt: row.liveness.timestamp,
                                           localDeletionTime: row.liveness.localExpirationTime)
            if row.liveness.isLive(now: now) || !canPurge(asTombstone) { out.liveness = row.liveness }
        }
        for d in row.complexDeletions where d.deletion.supersedes(deletion) && !canPurge(d.deletion) {
            out.complexDeletions.append(d)
        }
        var complexIndex = 0
        for var cell in row.cells {
            if deletion.deletes(cell.timestamp) { continue }
            if Self.collectionDeletionShadows(cell, in: row, cursor: &complexIndex) { continue }
            if cell.isExpiring && !cell.isLive(now: now) {
                // An expired cell still shadows older writes of its slot, so it turns into a tombstone
                // dated at its expiry; gc grace then counts from that moment, as in Cassandra.
                cell = Cell(column: cell.column, path: cell.path, timestamp: cell.timestamp, ttl: 0,
                            localDeletionTime: cell.localDeletionTime, value: nil)
            }
            if cell.isTombstone && canPurge(DeletionTime(markedForDeleteAt: cell.timestamp, localDeletionTime: cell.localDeletionTime)) {
                continue
            }
            out.cells.append(cell)
        }
        return out.isEmpty ? nil : out
    }
}

/// The visible content of one partition: only live rows and cells, in ascending clustering order.
public struct ResolvedPartition: Hashable, Sendable {
    public var key: PartitionKey
    public var staticRow: Row?
    public var rows: [Row]

    public var isEmpty: Bool { staticRow == nil && rows.isEmpty }
}
