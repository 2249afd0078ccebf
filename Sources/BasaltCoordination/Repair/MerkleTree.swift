import BasaltCore

/// A hash tree over the partitions of one token range `(start, end]` (non-wrapping), as
/// Cassandra's repair builds: the range is cut into `2^depth` equal leaves; a leaf's hash is the
/// XOR of the digests of the partitions whose tokens fall in it (so the order partitions are added
/// in does not matter), an inner node's the hash of its two children. Two replicas that hold the
/// same data in the range have the same root; where they differ, `differences(with:)` names the
/// leaves' token ranges, and only those need their rows exchanged.
public struct MerkleTree: Hashable, Sendable {
    /// 2^16 leaves (1 MiB of hashes) at most, as Cassandra caps its trees (at 2^20) so one range's
    /// tree stays a bounded message whatever the range holds.
    public static let maximumDepth = 16

    public let start: Int64
    public let end: Int64
    public let depth: Int
    public private(set) var leaves: [PartitionDigest]
    /// Partitions added (a replica's figure for the summary, and the next depth choice).
    public private(set) var partitions: Int

    public static let emptyLeaf = PartitionDigest(high: 0, low: 0)

    /// REQUIRES: `start < end` and `depth` in `0...maximumDepth` (the decoder checks both for trees
    /// that come from the network).
    public init(start: Int64, end: Int64, depth: Int) {
        precondition(start < end && (0...Self.maximumDepth).contains(depth), "a tree over a non-empty, non-wrapping range")
        self.start = start
        self.end = end
        self.depth = depth
        leaves = Array(repeating: Self.emptyLeaf, count: 1 << depth)
        partitions = 0
    }

    /// The depth for a range of about `partitions` partitions: about one partition per leaf, so a
    /// single missing row costs one leaf's rows to repair, not a large share of the range.
    public static func depth(forPartitions partitions: Int) -> Int {
        var depth = 0
        while depth < maximumDepth, 1 << depth < partitions { depth += 1 }
        return depth
    }

    /// Tokens in the range: `end - start` (up to 2^64 - 1 for `(min, max]`).
    private var width: UInt64 { UInt64(bitPattern: end &- start) }

    /// The leaf holding `token`. REQUIRES: `start < token <= end`.
    public func leaf(of token: Int64) -> Int {
        let offset = UInt64(bitPattern: token &- start) &- 1
        let product = offset.multipliedFullWidth(by: UInt64(leaves.count))
        return Int(width.dividingFullWidth(product).quotient)
    }

    /// Leaf `index`'s tokens as `(start, end]`; a leaf may be empty (start == end) when the range
    /// has fewer tokens than leaves.
    public func range(ofLeaf index: Int) -> (start: Int64, end: Int64) {
        (start &+ Int64(bitPattern: boundary(index)), start &+ Int64(bitPattern: boundary(index + 1)))
    }

    /// ceil(index * width / leafCount): the first offset of leaf `index`, consistent with `leaf(of:)`.
    private func boundary(_ index: Int) -> UInt64 {
        if index == leaves.count { return width }
        let count = UInt64(leaves.count)
        let product = width.multipliedFullWidth(by: UInt64(index))
        let (low, carry) = product.low.addingReportingOverflow(count - 1)
        return count.dividingFullWidth((product.high + (carry ? 1 : 0), low)).quotient
    }

    /// Adds one partition's digest. REQUIRES: `start < token <= end`.
    public mutating func add(token: Int64, digest: PartitionDigest) {
        let index = leaf(of: token)
        leaves[index] = PartitionDigest(high: leaves[index].high ^ digest.high, low: leaves[index].low ^ digest.low)
        partitions += 1
    }

    /// Every level's hashes. Computing them costs a hash per inner node, so a walk computes them
    /// once and asks `MerkleLevels` at each step.
    public var levels: MerkleLevels {
        var levels = [leaves]
        while let below = levels.last, below.count > 1 {
            levels.append(stride(from: 0, to: below.count, by: 2).map { Self.combine(below[$0], below[$0 + 1]) })
        }
        return MerkleLevels(partitions: partitions, levels: levels)
    }

    public var root: PartitionDigest { levels.root }

    static func combine(_ left: PartitionDigest, _ right: PartitionDigest) -> PartitionDigest {
        var bytes = ByteWriter()
        for value in [left.high, left.low, right.high, right.low] { bytes.write(bigEndian: value) }
        let hash = bytes.bytes.withUnsafeBytes { Murmur3.hash128($0) }
        return PartitionDigest(high: hash.h1, low: hash.h2)
    }

    /// The token ranges where the two trees disagree, in token order (see `ranges(ofDifferingLeaves:)`).
    /// Trees of different ranges or depths cannot be compared.
    public func differences(with other: MerkleTree) throws(MerkleTreeError) -> [(start: Int64, end: Int64)] {
        guard start == other.start, end == other.end, depth == other.depth else {
            throw .differentShape(mine: "\(start)...\(end) depth \(depth)",
                                  theirs: "\(other.start)...\(other.end) depth \(other.depth)")
        }
        return ranges(ofDifferingLeaves: Set(leaves.indices.filter { leaves[$0] != other.leaves[$0] }))
    }

    /// The token ranges of the leaves in `differing`, in token order. Adjacent differing leaves
    /// make one range, and so do differing leaves separated only by leaves that are empty here —
    /// a leaf outside `differing` is equal on both sides, so empty on both: no partition lies there,
    /// and one range costs nothing more and saves round trips (a replica that missed everything
    /// gets one range, not one per partition).
    public func ranges(ofDifferingLeaves differing: Set<Int>) -> [(start: Int64, end: Int64)] {
        var ranges: [(start: Int64, end: Int64)] = []
        // The open range: its start, and the end of its last differing leaf.
        var open: (start: Int64, end: Int64)?
        for index in leaves.indices {
            let leafRange = range(ofLeaf: index)
            if differing.contains(index) {
                open = (open?.start ?? leafRange.start, leafRange.end)
            } else if leaves[index] != Self.emptyLeaf, let closed = open {
                ranges.append(closed)
                open = nil
            }
        }
        if let open { ranges.append(open) }
        return ranges
    }
}

/// A tree's hashes level by level: level 0 the leaves, level `depth` the root.
public struct MerkleLevels: Sendable {
    public let partitions: Int
    private let levels: [[PartitionDigest]]

    init(partitions: Int, levels: [[PartitionDigest]]) {
        self.partitions = partitions
        self.levels = levels
    }

    public var depth: Int { levels.count - 1 }

    public var root: PartitionDigest { levels[depth][0] }

    /// The hashes of the nodes at `indices` of `level`; nil when the level or an index does not
    /// exist in this tree.
    public func hashes(atLevel level: Int, _ indices: [Int]) -> [PartitionDigest]? {
        guard (0...depth).contains(level) else { return nil }
        let nodes = levels[level]
        guard indices.allSatisfy({ nodes.indices.contains($0) }) else { return nil }
        return indices.map { nodes[$0] }
    }
}

public enum MerkleTreeError: Error, Hashable, Sendable, CustomStringConvertible {
    case differentShape(mine: String, theirs: String)

    public var description: String {
        switch self {
        case .differentShape(let mine, let theirs): "hash trees of different shapes: \(mine) against \(theirs)"
        }
    }
}
