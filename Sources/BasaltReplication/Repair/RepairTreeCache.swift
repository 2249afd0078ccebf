import BasaltCoordination
import BasaltCore
import Synchronization

/// The trees a replica built for the repairs asking it, kept while the asker walks them level by
/// level (one REPAIR_TREE per level): building one means reading every partition of the range, so
/// it is done once per range, depth and cutoff. The newest few are kept; a repair compares one
/// range with one replica at a time, so a handful covers even concurrent repairs from several nodes.
final class RepairTreeCache: Sendable {
    static let capacity = 8

    struct Key: Hashable {
        var table: TableID
        var start: Int64
        var end: Int64
        var depth: Int
        var cutoff: Int64
    }

    private let trees = Mutex<[(key: Key, tree: MerkleLevels)]>([])

    func tree(_ key: Key, build: () throws -> MerkleLevels) rethrows -> MerkleLevels {
        if let cached = trees.withLock({ trees in trees.first { $0.key == key }?.tree }) { return cached }
        let tree = try build()
        trees.withLock { trees in
            trees.removeAll { $0.key == key }
            trees.append((key, tree))
            if trees.count > Self.capacity { trees.removeFirst(trees.count - Self.capacity) }
        }
        return tree
    }
}
