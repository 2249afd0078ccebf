import BasaltCore

/// A point *between* clusterings: just before, or just after, every clustering that starts with
/// `prefix`. Slice bounds map onto these points (an inclusive start is "before its prefix", an
/// exclusive start "after" it, and the reverse for ends), which gives bounds a total order and so
/// lets two slices be tested for overlap without enumerating rows.
struct ClusteringPosition {
    var prefix: [UInt8]
    var after: Bool

    static func start(of slice: ClusteringSlice) -> ClusteringPosition {
        let b = slice.start
        return b.isUnbounded ? ClusteringPosition(prefix: [], after: false) : ClusteringPosition(prefix: b.prefix, after: !b.inclusive)
    }

    static func end(of slice: ClusteringSlice) -> ClusteringPosition {
        let b = slice.end
        return b.isUnbounded ? ClusteringPosition(prefix: [], after: true) : ClusteringPosition(prefix: b.prefix, after: b.inclusive)
    }

    /// -1, 0 or 1. When one prefix extends the other, the shorter one's point lies before or after
    /// every extension, so its side decides.
    static func compare(_ a: ClusteringPosition, _ b: ClusteringPosition) -> Int {
        let common = min(a.prefix.count, b.prefix.count)
        for i in 0..<common where a.prefix[i] != b.prefix[i] { return a.prefix[i] < b.prefix[i] ? -1 : 1 }
        if a.prefix.count == b.prefix.count { return a.after == b.after ? 0 : (a.after ? 1 : -1) }
        if a.prefix.count < b.prefix.count { return a.after ? 1 : -1 }
        return b.after ? -1 : 1
    }
}

extension ClusteringSlice {
    /// False only when no clustering can be in both slices. Conservative: two slices that touch
    /// between adjacent byte strings (no clustering in between) count as overlapping.
    func mayOverlap(_ other: ClusteringSlice) -> Bool {
        let lhsStart = ClusteringPosition.start(of: self), rhsStart = ClusteringPosition.start(of: other)
        let lhsEnd = ClusteringPosition.end(of: self), rhsEnd = ClusteringPosition.end(of: other)
        let start = ClusteringPosition.compare(lhsStart, rhsStart) >= 0 ? lhsStart : rhsStart
        let end = ClusteringPosition.compare(lhsEnd, rhsEnd) <= 0 ? lhsEnd : rhsEnd
        return ClusteringPosition.compare(start, end) < 0
    }
}
