import struct Foundation.UUID

/// A table's identity inside storage. Cassandra uses a UUID per table (not its name), so that a table
/// dropped and re-created under the same name never sees the old one's data.
public typealias TableID = UUID

/// Everything one write (or one merged read) says about one partition of one table.
///
/// It is both the unit of a write (what a mutation carries to the commit log and memtable) and the unit
/// of data read back from any source; merging updates is how memtables absorb writes and how reads and
/// compactions combine sources. Invariant: `rows` sorted by clustering, unique; the static row, if
/// present, has `Clustering.empty`.
public struct PartitionUpdate: Hashable, Sendable, CustomStringConvertible {
    public var table: TableID
    public var key: PartitionKey
    public var partitionDeletion: DeletionTime
    public var rangeTombstones: [RangeTombstone]
    public var staticRow: Row?
    public var rows: [Row]

    public init(table: TableID, key: PartitionKey, partitionDeletion: DeletionTime = .live,
                rangeTombstones: [RangeTombstone] = [], staticRow: Row? = nil, rows: [Row] = []) {
        self.table = table
        self.key = key
        self.partitionDeletion = partitionDeletion
        self.rangeTombstones = rangeTombstones
        self.staticRow = staticRow
        self.rows = rows
    }

    public var isEmpty: Bool {
        partitionDeletion.isLive && rangeTombstones.isEmpty && (staticRow?.isEmpty ?? true) && rows.isEmpty
    }

    /// Sorts rows and merges duplicates; call after building an update by hand.
    public mutating func normalize() {
        for i in rows.indices { rows[i].normalize() }
        staticRow?.normalize()
        var sorted = true
        for i in rows.indices.dropFirst() where !(rows[i - 1].clustering < rows[i].clustering) { sorted = false; break }
        if sorted { return }
        rows.sort { $0.clustering < $1.clustering }
        var out: [Row] = []
        out.reserveCapacity(rows.count)
        for row in rows {
            if out.last?.clustering == row.clustering { out[out.count - 1].merge(row) } else { out.append(row) }
        }
        rows = out
    }

    /// Merges `other` (same table and key) into this update, keeping every newest fact.
    public mutating func merge(_ other: PartitionUpdate) {
        assert(key == other.key && table == other.table, "merging updates of different partitions")
        partitionDeletion = partitionDeletion.merged(with: other.partitionDeletion)
        rangeTombstones.append(contentsOf: other.rangeTombstones)
        if let s = other.staticRow {
            if staticRow == nil { staticRow = s } else { staticRow!.merge(s) }
        }
        if other.rows.isEmpty { return }
        if rows.isEmpty { rows = other.rows; return }
        // Fast path for appends in clustering order (time series, sequential ingestion).
        if rows[rows.count - 1].clustering < other.rows[0].clustering {
            rows.append(contentsOf: other.rows)
            return
        }
        if other.rows.count == 1 {
            let row = other.rows[0]
            let index = lowerBound(row.clustering)
            if index < rows.count && rows[index].clustering == row.clustering {
                rows[index].merge(row)
            } else {
                rows.insert(row, at: index)
            }
            return
        }
        rows = Row.mergeSorted(rows, other.rows, before: { $0.clustering < $1.clustering },
                               same: { $0.clustering == $1.clustering },
                               pick: { a, b in var m = a; m.merge(b); return m })
    }

    /// Index of the first row whose clustering is not below `clustering`.
    public func lowerBound(_ clustering: Clustering) -> Int {
        var low = 0, high = rows.count
        while low < high {
            let mid = (low + high) / 2
            if rows[mid].clustering < clustering { low = mid + 1 } else { high = mid }
        }
        return low
    }

    public var maxTimestamp: Int64 {
        var m = partitionDeletion.markedForDeleteAt
        for rt in rangeTombstones { m = max(m, rt.deletion.markedForDeleteAt) }
        if let s = staticRow { m = max(m, s.maxTimestamp) }
        for r in rows { m = max(m, r.maxTimestamp) }
        return m
    }

    public var minTimestamp: Int64 {
        var m = Int64.max
        if !partitionDeletion.isLive { m = partitionDeletion.markedForDeleteAt }
        for rt in rangeTombstones { m = min(m, rt.deletion.markedForDeleteAt) }
        if let s = staticRow { m = min(m, s.minTimestamp) }
        for r in rows { m = min(m, r.minTimestamp) }
        return m
    }

    /// The first part of this update longer than storage reads back (`PartitionKey.maximumLength`,
    /// `Clustering.maximumLength`, which also bounds cell paths and tombstone bounds): what it is, its
    /// length and the limit; nil when all of it fits. Storage refuses such an update before it reaches the
    /// commit log or a memtable: accepted, it would make every later flush of the table fail.
    public var oversizedPart: (part: OversizedPart, length: Int, limit: Int)? {
        if key.bytes.count > PartitionKey.maximumLength { return (.partitionKey, key.bytes.count, PartitionKey.maximumLength) }
        for tombstone in rangeTombstones {
            for bound in [tombstone.slice.start, tombstone.slice.end] where bound.prefix.count > Clustering.maximumLength {
                return (.clusteringBound, bound.prefix.count, Clustering.maximumLength)
            }
        }
        for row in (staticRow.map { [$0] } ?? []) + rows {
            let clustering = row.clustering.bytes.count
            if clustering > Clustering.maximumLength { return (.clustering, clustering, Clustering.maximumLength) }
            for cell in row.cells {
                if let path = cell.path, path.count > Clustering.maximumLength {
                    return (.cellPath, path.count, Clustering.maximumLength)
                }
            }
        }
        return nil
    }

    public var description: String {
        var parts = ["partition \(key)"]
        if !partitionDeletion.isLive { parts.append("del \(partitionDeletion)") }
        for rt in rangeTombstones { parts.append("rt \(rt.slice) \(rt.deletion)") }
        if let s = staticRow { parts.append("static \(s)") }
        parts.append(contentsOf: rows.map(\.description))
        return parts.joined(separator: "\n  ")
    }
}

/// The parts of an update whose length storage bounds (see `PartitionUpdate.oversizedPart`).
public enum OversizedPart: String, Hashable, Sendable {
    case partitionKey = "partition key"
    case clustering
    case clusteringBound = "clustering bound"
    case cellPath = "cell path"
}

/// One atomic write: the updates of one client request (a statement or a batch), logged as one
/// commit-log record and applied to the memtables together.
public struct Mutation: Hashable, Sendable {
    public var updates: [PartitionUpdate]

    public init(_ updates: [PartitionUpdate]) { self.updates = updates }
}
