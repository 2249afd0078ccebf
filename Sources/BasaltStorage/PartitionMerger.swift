import BasaltCore
import BasaltSSTable

/// A stream of partitions in key order: an SSTable scanner, or a memtable's sorted keys.
protocol PartitionSource: AnyObject {
    func next() throws -> PartitionUpdate?
}

extension SSTableScanner: PartitionSource {}

/// Walks a memtable in token order from a starting key. The active memtable may change underneath,
/// so every lookup goes through the table's lock; keys added after the walk began are not seen (a scan
/// sees the memtable as it was when it started, plus later updates to keys it already knew).
final class MemtableSource: PartitionSource {
    private let memtable: Memtable
    private let lock: ConditionLock
    private let keys: [PartitionKey]
    private var index: Int

    init(memtable: Memtable, lock: ConditionLock, from start: PartitionKey?) {
        self.memtable = memtable
        self.lock = lock
        let keys = lock.withLock { memtable.sortedKeys() }
        self.keys = keys
        var low = 0, high = keys.count
        if let start {
            while low < high {
                let mid = (low + high) / 2
                if keys[mid] < start { low = mid + 1 } else { high = mid }
            }
        }
        index = low
    }

    func next() -> PartitionUpdate? {
        while index < keys.count {
            let key = keys[index]
            index += 1
            if let update = lock.withLock({ memtable.partitions[key]?.update }) { return update }
        }
        return nil
    }
}

/// Merges several key-ordered partition streams into one: partitions with the same key from
/// different sources are merged into one update (newest fact wins in every slot).
/// A linear scan of the heads is enough here: a read or compaction merges tens of sources, not
/// thousands. Heads' keys are kept apart from the updates so that comparing them copies nothing.
final class PartitionMerger {
    private let sources: [PartitionSource]
    private var heads: [PartitionUpdate?]
    private var keys: [PartitionKey?]

    init(_ sources: [PartitionSource]) throws {
        self.sources = sources
        heads = try sources.map { try $0.next() }
        keys = heads.map { $0?.key }
    }

    func next() throws -> PartitionUpdate? {
        if sources.count == 1 {
            guard let head = heads[0].take() else { return nil }
            heads[0] = try sources[0].next()
            return head
        }
        var smallest = -1
        for i in keys.indices {
            guard let key = keys[i] else { continue }
            if smallest < 0 || key < keys[smallest]! { smallest = i }
        }
        guard smallest >= 0 else { return nil }
        let key = keys[smallest]!
        var merged: PartitionUpdate?
        for i in smallest..<keys.count where keys[i] == key {
            let update = heads[i].take()!
            if merged == nil { merged = update } else { merged!.merge(update) }
            heads[i] = try sources[i].next()
            keys[i] = heads[i]?.key
        }
        return merged
    }
}
