import BasaltCore

/// REPAIR_TREE, sent by the node running a repair to each other replica of a range: the hashes
/// of some nodes of the replica's hash tree of `table` over `(start, end]` at `depth`, counting
/// only what was written at or before `cutoff` (the repair's start, in the microseconds of write
/// timestamps). The asker walks down from the root, asking at each level only for the children of
/// the nodes that differed, so replicas that agree exchange one hash, and replicas that differ in
/// a few places exchange the paths to those leaves, not the whole tree. The replica builds its
/// tree once per range and cutoff and answers the following levels from it.
///
/// `level` counts from the leaves (0) to the root (`depth`); `nodes` are indices within it.
///
/// Bytes (docs/formats/repair-messages.md): table id (16) · start (i64 BE) · end (i64 BE) ·
/// depth (u8, ≤ 16) · cutoff (i64 BE) · level (u8, ≤ depth) · node count (u32 BE, ≤ 2^16) ·
/// each node index (u32 BE, < 2^(depth − level)).
public struct RepairTreeRequest: Hashable, Sendable {
    public var table: TableID
    public var start: Int64
    public var end: Int64
    public var depth: Int
    public var cutoff: Int64
    public var level: Int
    public var nodes: [Int]

    public init(table: TableID, start: Int64, end: Int64, depth: Int, cutoff: Int64, level: Int, nodes: [Int]) {
        self.table = table
        self.start = start
        self.end = end
        self.depth = depth
        self.cutoff = cutoff
        self.level = level
        self.nodes = nodes
    }

    public func encoded() -> [UInt8] {
        var w = ByteWriter()
        DataCodec.writeTableID(table, to: &w)
        w.write(bigEndian: start)
        w.write(bigEndian: end)
        w.write(UInt8(depth))
        w.write(bigEndian: cutoff)
        w.write(UInt8(level))
        w.write(bigEndian: UInt32(nodes.count))
        for node in nodes { w.write(bigEndian: UInt32(node)) }
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
        let levelOffset = r.offset
        level = Int(try r.readByte("tree level"))
        guard level <= depth else { throw .malformed(what: "tree level \(level) below depth \(depth)", offset: levelOffset) }
        let width = 1 << (depth - level)
        let countOffset = r.offset
        let count = Int(try r.read(UInt32.self, "node count"))
        guard count <= width else { throw .tooLong(what: "node count", offset: countOffset, length: UInt64(count), limit: width) }
        try r.require(count * 4, "node indices")
        var nodes: [Int] = []
        nodes.reserveCapacity(count)
        for _ in 0..<count {
            let offset = r.offset
            let node = Int(try r.read(UInt32.self, "node index"))
            guard node < width else { throw .malformed(what: "node index \(node) of \(width)", offset: offset) }
            nodes.append(node)
        }
        self.nodes = nodes
        try r.expectEnd("repair tree request")
    }
}

/// The answer to REPAIR_TREE: the replica's partition count in the range (the asker deepens the
/// tree when the replica holds many more partitions than it does) and the hashes asked for, in the
/// order asked.
///
/// Bytes: partitions (u64 BE) · hash count (u32 BE, ≤ 2^16) · each hash (u64 BE high, u64 BE low).
public struct RepairTreeResponse: Hashable, Sendable {
    public var partitions: Int
    public var hashes: [PartitionDigest]

    public init(partitions: Int, hashes: [PartitionDigest]) {
        self.partitions = partitions
        self.hashes = hashes
    }

    public func encoded() -> [UInt8] {
        var w = ByteWriter()
        w.write(bigEndian: UInt64(partitions))
        w.write(bigEndian: UInt32(hashes.count))
        for hash in hashes {
            w.write(bigEndian: hash.high)
            w.write(bigEndian: hash.low)
        }
        return w.bytes
    }

    public init(decoding bytes: [UInt8]) throws(DecodeError) {
        var r = ByteReader(bytes)
        partitions = Int(clamping: try r.read(UInt64.self, "partitions"))
        let countOffset = r.offset
        let count = Int(try r.read(UInt32.self, "hash count"))
        let limit = 1 << MerkleTree.maximumDepth
        guard count <= limit else { throw .tooLong(what: "hash count", offset: countOffset, length: UInt64(count), limit: limit) }
        try r.require(count * 16, "hashes")
        var hashes: [PartitionDigest] = []
        hashes.reserveCapacity(count)
        for _ in 0..<count {
            hashes.append(PartitionDigest(high: try r.read(UInt64.self, "hash"), low: try r.read(UInt64.self, "hash")))
        }
        self.hashes = hashes
        try r.expectEnd("repair tree response")
    }
}
