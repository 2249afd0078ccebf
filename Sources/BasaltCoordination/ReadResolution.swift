import BasaltCore

/// A 128-bit digest of what a replica holds for a read: equal digests mean equal data, so a read
/// needs full data from one replica only (Cassandra's digest reads; it uses MD5, any strong hash of
/// a canonical encoding does).
public struct PartitionDigest: Hashable, Sendable, CustomStringConvertible {
    public var high: UInt64
    public var low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// The digest of `update` in canonical form (nil — no data — has a digest too, so "I have
    /// nothing" is comparable). Range tombstones are sorted and deduplicated, since merging sources
    /// appends them and two replicas with the same facts may hold them in different orders.
    public init(of update: PartitionUpdate?) {
        var writer = ByteWriter()
        if var canonical = update {
            canonical.normalize()
            if !canonical.rangeTombstones.isEmpty {
                canonical.rangeTombstones = Self.canonicalRangeTombstones(canonical.rangeTombstones)
            }
            writer.write(UInt8(1))
            DataCodec.write(canonical, to: &writer)
        } else {
            writer.write(UInt8(0))
        }
        let hash = writer.bytes.withUnsafeBytes { Murmur3.hash128($0) }
        self.init(high: hash.h1, low: hash.h2)
    }

    public var description: String { String(high, radix: 16) + String(low, radix: 16) }

    private static func canonicalRangeTombstones(_ tombstones: [RangeTombstone]) -> [RangeTombstone] {
        var seen = Set<RangeTombstone>()
        let unique = tombstones.filter { seen.insert($0).inserted }
        return unique.map { tombstone -> ([UInt8], RangeTombstone) in
            var w = ByteWriter()
            DataCodec.write(tombstone.slice.start, to: &w)
            DataCodec.write(tombstone.slice.end, to: &w)
            DataCodec.write(tombstone.deletion, to: &w)
            return (w.bytes, tombstone)
        }.sorted { compareBytes($0.0, $1.0) < 0 }.map(\.1)
    }
}

/// Reconciles replicas' answers to a read: the merged truth (every newest fact, last write wins)
/// and, for each replica that did not hold exactly that, the update that brings it up to date
/// (blocking read repair). Pure; the coordinator sends the repairs and waits for them.
public enum ReadResolution {
    public static func merge(_ answers: [PartitionUpdate?]) -> PartitionUpdate? {
        var merged: PartitionUpdate?
        for case let answer? in answers {
            if merged == nil { merged = answer } else { merged!.merge(answer) }
        }
        merged?.normalize()
        return merged
    }

    /// The repairs to send: the merged partition to every replica whose answer differs from it.
    /// Sending the whole merged slice rather than a per-replica difference is simpler and safe:
    /// applying facts a replica already has changes nothing (last write wins is idempotent).
    public static func repairs<Replica>(_ answers: [(replica: Replica, data: PartitionUpdate?)],
                                        merged: PartitionUpdate?) -> [(replica: Replica, update: PartitionUpdate)] {
        guard let merged else { return [] }
        let target = PartitionDigest(of: merged)
        return answers.compactMap { answer in
            PartitionDigest(of: answer.data) == target ? nil : (answer.replica, merged)
        }
    }
}
