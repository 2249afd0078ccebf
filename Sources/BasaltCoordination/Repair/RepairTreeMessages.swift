import BasaltCore

/// REPAIR_TREE, sent by the node running a repair to each other replica of a range: build the
/// hash tree of `table` over `(start, end]` at `depth`, counting only what was written at or
/// before `cutoff` (the repair's start, in the microseconds of write timestamps), and answer it —
/// or only "same" when its root equals `root`, the asker's own, so that replicas that agree
/// exchange a few dozen bytes instead of their trees.
///
/// Bytes (docs/formats/repair-messages.md): table id (16) · start (i64 BE) · end (i64 BE) ·
/// depth (u8, ≤ 16) · cutoff (i64 BE) · root (u64 BE high, u64 BE low).
public struct RepairTreeRequest: Hashable, Sendable {
    public var table: TableID
    public var start: Int64
    public var end: Int64
    public var depth: Int
    public var cutoff: Int64
    public var root: PartitionDigest

    public init(table: TableID, start: Int64, end: Int64, depth: Int, cutoff: Int64, root: PartitionDigest) {
        self.table = table
        self.start = start
        self.end = end
        self.depth = depth
        self.cutoff = cutoff
        self.root = root
    }

    public func encoded() -> [UInt8] {
        var w = ByteWriter()
        DataCodec.writeTableID(table, to: &w)
        w.write(bigEndian: start)
        w.write(bigEndian: end)
        w.write(UInt8(depth))
        w.write(bigEndian: cutoff)
        w.write(bigEndian: root.high)
        w.write(bigEndian: root.low)
        return w.bytes
    }

    public init(decoding bytes: [UInt8]) throws(DecodeError) {
        var r = ByteReader(bytes)
        table = try DataCodec.readTableID(&r)
        start = try r.read(Int64.self, "repair range start")
        let endOffset = r.offset
        end = try r.read(Int64.self, "repair range end")
        guard start < end else { throw .malformed(what: "repair range (\(start), \(end)]", offset: endOffset) }
        let depthOffset = r.offset
        depth = Int(try r.readByte("tree depth"))
        guard depth <= MerkleTree.maximumDepth else {
            throw .tooLong(what: "tree depth", offset: depthOffset, length: UInt64(depth), limit: MerkleTree.maximumDepth)
        }
        cutoff = try r.read(Int64.self, "repair cutoff")
        root = PartitionDigest(high: try r.read(UInt64.self, "root"), low: try r.read(UInt64.self, "root"))
        try r.expectEnd("repair tree request")
    }
}

/// The answer to REPAIR_TREE: the replica's partition count in the range, and its tree's leaves
/// unless its root matched the asker's.
///
/// Bytes: kind (u8: 0 = same root, 1 = leaves follow) · partitions (u64 BE) · if 1: leaf count
/// (u32 BE, 2^depth of the request) then each leaf (u64 BE high, u64 BE low).
public enum RepairTreeResponse: Hashable, Sendable {
    case same(partitions: Int)
    case leaves([PartitionDigest], partitions: Int)

    public func encoded() -> [UInt8] {
        var w = ByteWriter()
        switch self {
        case .same(let partitions):
            w.write(UInt8(0))
            w.write(bigEndian: UInt64(partitions))
        case .leaves(let leaves, let partitions):
            w.write(UInt8(1))
            w.write(bigEndian: UInt64(partitions))
            w.write(bigEndian: UInt32(leaves.count))
            for leaf in leaves {
                w.write(bigEndian: leaf.high)
                w.write(bigEndian: leaf.low)
            }
        }
        return w.bytes
    }

    public init(decoding bytes: [UInt8]) throws(DecodeError) {
        var r = ByteReader(bytes)
        let kindOffset = r.offset
        let kind = try r.readByte("tree answer kind")
        let partitions = Int(clamping: try r.read(UInt64.self, "partitions"))
        switch kind {
        case 0:
            self = .same(partitions: partitions)
        case 1:
            let countOffset = r.offset
            let count = Int(try r.read(UInt32.self, "leaf count"))
            let limit = 1 << MerkleTree.maximumDepth
            guard count <= limit, count.nonzeroBitCount == 1 else {
                throw .tooLong(what: "leaf count (a power of two)", offset: countOffset, length: UInt64(count), limit: limit)
            }
            try r.require(count * 16, "leaves")
            var leaves: [PartitionDigest] = []
            leaves.reserveCapacity(count)
            for _ in 0..<count {
                leaves.append(PartitionDigest(high: try r.read(UInt64.self, "leaf"), low: try r.read(UInt64.self, "leaf")))
            }
            self = .leaves(leaves, partitions: partitions)
        default:
            throw .malformed(what: "tree answer kind \(kind)", offset: kindOffset)
        }
        try r.expectEnd("repair tree response")
    }
}
