import Synchronization

/// A process-wide cache of decompressed Data chunks and verified Index segments, bounded by bytes,
/// shared by every open SSTable reader.
///
/// Keys are (reader id, block number): each `SSTableReader.open` draws a fresh id, so blocks of a
/// deleted-and-reused generation can never be confused with the new file's. Entries of closed readers
/// are never looked up again and age out.
///
/// Eviction is CLOCK (second chance), which approximates LRU while making a hit only a dictionary
/// lookup and a flag store, no list relinking. The cache is split into shards, each with its own
/// mutex, so concurrent readers rarely wait on each other.
public final class BlockCache: Sendable {
    struct Key: Hashable, Sendable {
        var sstable: UInt64
        var block: UInt64

        /// Index segments share the key space of data chunks, set apart by the top bit.
        static func dataChunk(_ sstable: UInt64, _ chunk: Int) -> Key { Key(sstable: sstable, block: UInt64(chunk)) }
        static func indexSegment(_ sstable: UInt64, _ segment: Int) -> Key {
            Key(sstable: sstable, block: UInt64(segment) | (1 << 63))
        }
    }

    /// Counters for monitoring and tests.
    public struct Statistics: Hashable, Sendable {
        public var hits = 0
        public var misses = 0
        public var entries = 0
        public var bytes = 0
    }

    public let capacity: Int
    private let shards: [Shard]

    /// - Parameter capacity: bytes of block contents to keep (entry overhead is not counted).
    public init(capacity: Int, shardCount: Int = 16) {
        precondition(capacity >= 0 && shardCount >= 1, "a cache needs a capacity and at least one shard")
        self.capacity = capacity
        shards = (0..<shardCount).map { _ in Shard(capacity: capacity / shardCount) }
    }

    private func shard(_ key: Key) -> Shard {
        // Mix so consecutive chunks of one table spread over the shards.
        var h = key.block &* 0x9E37_79B9_7F4A_7C15 ^ key.sstable &* 0xC2B2_AE3D_27D4_EB4F
        h ^= h >> 29
        return shards[Int(h % UInt64(shards.count))]
    }

    func get(_ key: Key) -> [UInt8]? {
        shard(key).state.withLock { $0.get(key) }
    }

    func insert(_ key: Key, _ value: [UInt8]) {
        shard(key).state.withLock { $0.insert(key, value) }
    }

    public var statistics: Statistics {
        var total = Statistics()
        for shard in shards {
            shard.state.withLock { s in
                total.hits += s.hits
                total.misses += s.misses
                total.entries += s.index.count
                total.bytes += s.usedBytes
            }
        }
        return total
    }

    /// Drops every entry (for tests and for an operator's "clear cache").
    public func removeAll() {
        for shard in shards { shard.state.withLock { $0 = ClockState(capacity: $0.capacity) } }
    }

    private final class Shard: Sendable {
        let state: Mutex<ClockState>
        init(capacity: Int) { state = Mutex(ClockState(capacity: capacity)) }
    }

    /// One shard's entries in a ring of slots swept by the clock hand.
    struct ClockState {
        struct Slot {
            var key: Key
            var value: [UInt8]
            var referenced: Bool
        }

        let capacity: Int
        var index: [Key: Int] = [:]
        var slots: [Slot?] = []
        var freeSlots: [Int] = []
        var hand = 0
        var usedBytes = 0
        var hits = 0
        var misses = 0

        init(capacity: Int) { self.capacity = capacity }

        mutating func get(_ key: Key) -> [UInt8]? {
            guard let i = index[key] else {
                misses += 1
                return nil
            }
            hits += 1
            slots[i]!.referenced = true
            return slots[i]!.value
        }

        mutating func insert(_ key: Key, _ value: [UInt8]) {
            // A block bigger than the whole shard would evict everything and still not fit.
            guard value.count <= capacity else { return }
            if let i = index[key] {
                usedBytes += value.count - slots[i]!.value.count
                slots[i]!.value = value
                slots[i]!.referenced = true
            } else {
                usedBytes += value.count
                let slot = Slot(key: key, value: value, referenced: false)
                if let free = freeSlots.popLast() {
                    slots[free] = slot
                    index[key] = free
                } else {
                    slots.append(slot)
                    index[key] = slots.count - 1
                }
            }
            evictWhileOver(sparing: key)
        }

        /// Sweeps the hand: a referenced slot loses its flag (its second chance), an unreferenced one
        /// is evicted. The new entry is spared; it is the only thing left if nothing else fits.
        private mutating func evictWhileOver(sparing newKey: Key) {
            while usedBytes > capacity && index.count > 1 {
                if hand >= slots.count { hand = 0 }
                defer { hand += 1 }
                guard let slot = slots[hand], slot.key != newKey else { continue }
                if slot.referenced {
                    slots[hand]!.referenced = false
                    continue
                }
                usedBytes -= slot.value.count
                index[slot.key] = nil
                slots[hand] = nil
                freeSlots.append(hand)
            }
        }
    }
}
