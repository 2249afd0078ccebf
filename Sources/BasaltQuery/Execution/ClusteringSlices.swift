import BasaltCore
import BasaltCQLProtocol

/// The clustering slices a WHERE clause reads in each partition: an `=`/`IN` prefix of clustering
/// values, then value bounds on the columns right after it (`b > ?`, `(b, c) >= (?, ?)`).
///
/// A bound compares tuples by value, column by column, whatever each column's clustering order.
/// Storage slices in byte order, where a DESC column's bytes are inverted, so a bound over columns of
/// mixed order is not one byte range. It is split where the order changes, as Cassandra does
/// (CASSANDRA-7281): `(b, c) > (1, 2)` with `b ASC, c DESC` is `b > 1` or `b = 1 AND c > 2`, each
/// one byte range. Every bound is intersected with the others, so `(b, c) > (1, 2) AND (b) < (3)`
/// reads exactly the rows between them.
enum ClusteringSlices {
    /// `(values) > / >= / < / <= (...)` on the clustering columns that follow the prefix.
    struct Bound {
        var values: [CQLValue]
        var isLower: Bool
        var inclusive: Bool
    }

    /// Disjoint slices in ascending byte order. `prefixes` are encoded `=`/`IN` prefixes (distinct,
    /// all of the same columns); `columns` are the clustering columns after them, which `bounds` restrict.
    static func slices(prefixes: [[UInt8]], columns: ArraySlice<ColumnSchema>, bounds: [Bound]) throws -> [ClusteringSlice] {
        var out: [ClusteringSlice] = []
        for prefix in prefixes {
            var parts = [ClusteringSlice.prefix(prefix)]
            for bound in bounds {
                let pieces = try split(bound, prefix: prefix, columns: Array(columns))
                parts = parts.flatMap { part in pieces.compactMap { intersection(part, $0) } }
            }
            out += parts
        }
        return out.sorted { compare(start($0), start($1)) < 0 }
    }

    /// The byte ranges whose union is `bound` below `prefix`: one per run of columns of one order.
    /// Run i holds the rows whose earlier runs equal the bound's values and whose run i is beyond them.
    private static func split(_ bound: Bound, prefix: [UInt8], columns: [ColumnSchema]) throws -> [ClusteringSlice] {
        var parts: [ClusteringSlice] = []
        var base = prefix
        var index = 0
        while index < bound.values.count {
            let descending = columns[index].descending
            var end = index
            while end < bound.values.count && columns[end].descending == descending { end += 1 }
            let run = try ClusteringEncoding.encode(Array(bound.values[index..<end]), columns: Array(columns[index..<end]))
            let edge = ClusteringBound(prefix: base + run, inclusive: end == bound.values.count && bound.inclusive)
            let whole = ClusteringBound(prefix: base, inclusive: true)
            // Value order is byte order in an ASC run and its reverse in a DESC one.
            parts.append(bound.isLower != descending ? ClusteringSlice(start: edge, end: whole)
                                                     : ClusteringSlice(start: whole, end: edge))
            base += run
            index = end
        }
        return parts
    }

    private static func intersection(_ a: ClusteringSlice, _ b: ClusteringSlice) -> ClusteringSlice? {
        let slice = ClusteringSlice(start: compare(start(a), start(b)) >= 0 ? a.start : b.start,
                                    end: compare(end(a), end(b)) <= 0 ? a.end : b.end)
        return compare(start(slice), end(slice)) < 0 ? slice : nil
    }

    /// A place between rows: just before, or just after, every row that starts with `prefix`
    /// (an empty prefix: before or after every row).
    private struct Position {
        var prefix: [UInt8]
        var after: Bool
    }

    private static func start(_ slice: ClusteringSlice) -> Position {
        Position(prefix: slice.start.prefix, after: !slice.start.isUnbounded && !slice.start.inclusive)
    }

    private static func end(_ slice: ClusteringSlice) -> Position {
        Position(prefix: slice.end.prefix, after: slice.end.isUnbounded || slice.end.inclusive)
    }

    /// Prefixes are whole encoded components, so one that extends another sorts inside its rows.
    private static func compare(_ a: Position, _ b: Position) -> Int {
        let common = min(a.prefix.count, b.prefix.count)
        let order = compareBytes(Array(a.prefix[..<common]), Array(b.prefix[..<common]))
        if order != 0 { return order }
        if a.prefix.count == b.prefix.count { return (a.after ? 1 : 0) - (b.after ? 1 : 0) }
        if a.prefix.count < b.prefix.count { return a.after ? 1 : -1 }
        return b.after ? -1 : 1
    }
}
