/// A row's position inside its partition: the clustering columns in *byte-comparable* form.
///
/// The query layer encodes each clustering value so that unsigned byte order equals CQL order
/// (descending columns are encoded with every byte inverted), and every component is self-delimiting,
/// so the encoding of a prefix of the clustering columns is a byte prefix of the full encoding.
/// That is what lets storage sort, merge and slice rows without knowing any CQL type.
/// Tables without clustering columns have one row per partition, at `Clustering.empty`.
public struct Clustering: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var bytes: [UInt8]

    public static let empty = Clustering([])
    public static let maximumLength = 65_535

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    public static func < (lhs: Clustering, rhs: Clustering) -> Bool { compareBytes(lhs.bytes, rhs.bytes) < 0 }

    public func hasPrefix(_ prefix: [UInt8]) -> Bool {
        prefix.count <= bytes.count && bytes.withUnsafeBufferPointer { b in
            prefix.withUnsafeBufferPointer { p in
                (0..<p.count).allSatisfy { b[$0] == p[$0] }
            }
        }
    }

    public var description: String { hexString(bytes) }
}

/// One end of a clustering slice: a byte-comparable clustering *prefix* and whether rows that start
/// with that prefix are inside the slice. An empty prefix means "unbounded" on that side.
public struct ClusteringBound: Hashable, Sendable {
    public var prefix: [UInt8]
    public var inclusive: Bool

    public static let unbounded = ClusteringBound(prefix: [], inclusive: true)

    public init(prefix: [UInt8], inclusive: Bool) {
        self.prefix = prefix
        self.inclusive = inclusive
    }

    public var isUnbounded: Bool { prefix.isEmpty }
}

/// A contiguous range of rows in clustering order, `start ... end`, each end a prefix bound.
///
/// Because prefixes are self-delimiting (see `Clustering`), "row r starts with prefix p" means
/// "r's leading clustering columns equal p's", and rows that do not start with p sort wholly before
/// or after every row that does. So a bound only needs: prefix match -> `inclusive`; else byte order.
public struct ClusteringSlice: Hashable, Sendable, CustomStringConvertible {
    public var start: ClusteringBound
    public var end: ClusteringBound

    public static let all = ClusteringSlice(start: .unbounded, end: .unbounded)

    public init(start: ClusteringBound, end: ClusteringBound) {
        self.start = start
        self.end = end
    }

    /// The slice of exactly the rows whose clustering starts with `prefix` (a whole row when complete).
    public static func prefix(_ prefix: [UInt8]) -> ClusteringSlice {
        ClusteringSlice(start: ClusteringBound(prefix: prefix, inclusive: true),
                        end: ClusteringBound(prefix: prefix, inclusive: true))
    }

    /// True when `clustering` is at or after the start bound.
    public func isAfterStart(_ clustering: Clustering) -> Bool {
        if start.isUnbounded { return true }
        if clustering.hasPrefix(start.prefix) { return start.inclusive }
        return compareBytes(clustering.bytes, start.prefix) > 0
    }

    /// True when `clustering` is at or before the end bound.
    public func isBeforeEnd(_ clustering: Clustering) -> Bool {
        if end.isUnbounded { return true }
        if clustering.hasPrefix(end.prefix) { return end.inclusive }
        return compareBytes(clustering.bytes, end.prefix) < 0
    }

    public func contains(_ clustering: Clustering) -> Bool {
        isAfterStart(clustering) && isBeforeEnd(clustering)
    }

    public var description: String {
        let s = start.isUnbounded ? "(-inf" : (start.inclusive ? "[" : "(") + hexString(start.prefix)
        let e = end.isUnbounded ? "+inf)" : hexString(end.prefix) + (end.inclusive ? "]" : ")")
        return "\(s), \(e)"
    }
}
