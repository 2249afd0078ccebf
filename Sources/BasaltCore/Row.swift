/// A deletion of a whole non-frozen collection column within one row (for example `SET m = {...}`
/// first deletes what was in `m`): it shadows every element cell of `column` at or before its time.
public struct ComplexDeletion: Hashable, Sendable {
    public var column: UInt32
    public var deletion: DeletionTime

    public init(column: UInt32, deletion: DeletionTime) {
        self.column = column
        self.deletion = deletion
    }
}

/// One row of a partition (or its static row): the liveness marker, a row tombstone, collection
/// deletions and cells. A row is a set of *facts* with timestamps; merging two rows keeps the newest
/// fact in every slot, and what is visible is decided later by `PartitionResolver`.
///
/// Invariants: `cells` sorted by (column, path) with no two in the same slot; `complexDeletions`
/// sorted by column, one per column.
public struct Row: Hashable, Sendable, CustomStringConvertible {
    public var clustering: Clustering
    public var liveness: LivenessInfo
    public var deletion: DeletionTime
    public var complexDeletions: [ComplexDeletion]
    public var cells: [Cell]

    public init(clustering: Clustering, liveness: LivenessInfo = .none, deletion: DeletionTime = .live,
                complexDeletions: [ComplexDeletion] = [], cells: [Cell] = []) {
        self.clustering = clustering
        self.liveness = liveness
        self.deletion = deletion
        self.complexDeletions = complexDeletions
        self.cells = cells
    }

    /// True when the row carries no fact at all.
    public var isEmpty: Bool { liveness.isEmpty && deletion.isLive && complexDeletions.isEmpty && cells.isEmpty }

    /// Sorts `cells` and keeps the winner of each slot; call after building a row by hand.
    public mutating func normalize() {
        if !cellsAreSorted() {
            cells.sort { $0.sortsBefore($1) }
            var out: [Cell] = []
            out.reserveCapacity(cells.count)
            for cell in cells {
                if let last = out.last, last.sameSlot(as: cell) {
                    if cell.supersedes(last) { out[out.count - 1] = cell }
                } else {
                    out.append(cell)
                }
            }
            cells = out
        }
        if complexDeletions.count > 1 {
            complexDeletions.sort { $0.column < $1.column }
            var out: [ComplexDeletion] = []
            for d in complexDeletions {
                if let last = out.last, last.column == d.column {
                    out[out.count - 1].deletion = last.deletion.merged(with: d.deletion)
                } else {
                    out.append(d)
                }
            }
            complexDeletions = out
        }
    }

    private func cellsAreSorted() -> Bool {
        var i = 1
        while i < cells.count {
            if !cells[i - 1].sortsBefore(cells[i]) { return false }
            i += 1
        }
        return true
    }

    /// Merges the facts of `other` (same clustering) into this row: newest wins in every slot.
    public mutating func merge(_ other: Row) {
        assert(clustering == other.clustering, "merging rows at different clusterings")
        if other.liveness.supersedes(liveness) { liveness = other.liveness }
        deletion = deletion.merged(with: other.deletion)
        if !other.complexDeletions.isEmpty {
            complexDeletions = Self.mergeSorted(complexDeletions, other.complexDeletions,
                                                before: { $0.column < $1.column },
                                                same: { $0.column == $1.column },
                                                pick: { a, b in ComplexDeletion(column: a.column, deletion: a.deletion.merged(with: b.deletion)) })
        }
        if cells.isEmpty {
            cells = other.cells
        } else if !other.cells.isEmpty {
            cells = Self.mergeSorted(cells, other.cells, before: { $0.sortsBefore($1) }, same: { $0.sameSlot(as: $1) },
                                     pick: { a, b in b.supersedes(a) ? b : a })
        }
    }

    /// Merge of two sorted, duplicate-free arrays; `pick` decides between two elements in the same slot.
    @inlinable
    static func mergeSorted<T>(_ a: [T], _ b: [T], before: (T, T) -> Bool, same: (T, T) -> Bool,
                               pick: (T, T) -> T) -> [T] {
        var out: [T] = []
        out.reserveCapacity(a.count + b.count)
        var i = 0, j = 0
        while i < a.count && j < b.count {
            if same(a[i], b[j]) {
                out.append(pick(a[i], b[j])); i += 1; j += 1
            } else if before(a[i], b[j]) {
                out.append(a[i]); i += 1
            } else {
                out.append(b[j]); j += 1
            }
        }
        out.append(contentsOf: a[i...])
        out.append(contentsOf: b[j...])
        return out
    }

    /// The highest timestamp of any fact in the row (for SSTable statistics).
    public var maxTimestamp: Int64 {
        var m = max(liveness.timestamp, deletion.markedForDeleteAt)
        for d in complexDeletions { m = max(m, d.deletion.markedForDeleteAt) }
        for c in cells { m = max(m, c.timestamp) }
        return m
    }

    /// The lowest timestamp of any fact in the row, `Int64.max` for an empty row.
    public var minTimestamp: Int64 {
        var m = Int64.max
        if !liveness.isEmpty { m = min(m, liveness.timestamp) }
        if !deletion.isLive { m = min(m, deletion.markedForDeleteAt) }
        for d in complexDeletions where !d.deletion.isLive { m = min(m, d.deletion.markedForDeleteAt) }
        for c in cells { m = min(m, c.timestamp) }
        return m
    }

    public var description: String {
        var parts: [String] = []
        if !liveness.isEmpty { parts.append("marker@\(liveness.timestamp)" + (liveness.ttl > 0 ? " ttl \(liveness.ttl)" : "")) }
        if !deletion.isLive { parts.append("del \(deletion)") }
        for d in complexDeletions { parts.append("c\(d.column) del \(d.deletion)") }
        parts.append(contentsOf: cells.map(\.description))
        return "row[\(clustering)]{\(parts.joined(separator: ", "))}"
    }
}

/// A deletion of every row whose clustering falls in `slice` (for example `DELETE ... WHERE c > 3`).
public struct RangeTombstone: Hashable, Sendable {
    public var slice: ClusteringSlice
    public var deletion: DeletionTime

    public init(slice: ClusteringSlice, deletion: DeletionTime) {
        self.slice = slice
        self.deletion = deletion
    }
}
