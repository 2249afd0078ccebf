import BasaltCoordination
import BasaltCore
import BasaltStorage

/// A replica's part in a repair: the hash tree of its data in a range, as of the repair's cutoff.
extension ReplicaService {
    /// REPAIR_TREE: the hashes asked for, from the tree of the range (built at the first request
    /// of a walk, then cached).
    public func repairTree(_ payload: [UInt8]) throws -> [UInt8] {
        let request = try RepairTreeRequest(decoding: payload)
        let key = RepairTreeCache.Key(table: request.table, start: request.start, end: request.end, depth: request.depth,
                                      cutoff: request.cutoff)
        let tree = try repairTrees.tree(key) {
            try repairTree(table: request.table, start: request.start, end: request.end, depth: request.depth,
                           cutoff: request.cutoff).levels
        }
        // The decoder checked the level and indices against the depth, which the tree has.
        let hashes = tree.hashes(atLevel: request.level, request.nodes) ?? []
        return RepairTreeResponse(partitions: tree.partitions, hashes: hashes).encoded()
    }

    public func repairTree(table: TableID, start: Int64, end: Int64, depth: Int, cutoff: Int64) throws -> MerkleTree {
        var tree = MerkleTree(start: start, end: end, depth: depth)
        for (token, digest) in try repairDigests(table: table, start: start, end: end, cutoff: cutoff) {
            tree.add(token: token, digest: digest)
        }
        return tree
    }

    /// The digest of every partition with a token in `(start, end]`, as of `cutoff`, in token order
    /// (partitions with nothing written by then are left out, as if absent).
    public func repairDigests(table: TableID, start: Int64, end: Int64, cutoff: Int64) throws -> [(token: Int64, digest: PartitionDigest)] {
        var digests: [(token: Int64, digest: PartitionDigest)] = []
        try forEachPartition(table: table, start: start, end: end) { partition in
            if let view = partition.asOf(cutoff) { digests.append((partition.key.token, PartitionDigest(of: view))) }
        }
        return digests
    }

    /// Every partition (merged, unresolved) with a token in `(start, end]`, in token order.
    func forEachPartition(table: TableID, start: Int64, end: Int64, _ body: (PartitionUpdate) throws -> Void) throws {
        // A range starts after its start token: the first key is the key-less one just past it.
        let first = start == .min ? nil : PartitionKey(token: start &+ 1, bytes: [])
        let scanner = try storage(table).scanner(from: first, inclusive: true, endToken: end)
        while let partition = try scanner.nextMerged() { try body(partition) }
    }
}
