/// Partition key bytes exactly as Cassandra builds them, because the Murmur3 token of these bytes is
/// what drivers compute for token-aware routing (notes §3): a single-column key is the column's
/// serialized value; a composite key is CompositeType, `[u16 length][bytes][0x00]` per component.
///
/// Shared by the query layer (which stores partitions under these bytes) and the client (which
/// hashes the same bytes to pick a replica), so the two can never disagree.
public enum PartitionKeyEncoding {
    /// A component longer than 65535 bytes does not fit its length prefix (Cassandra limits a key
    /// to 64 KiB, `PartitionKey.maximumLength`).
    public static func encode(_ components: [[UInt8]]) -> [UInt8] {
        if components.count == 1 { return components[0] }
        var out: [UInt8] = []
        for component in components {
            out.append(UInt8(truncatingIfNeeded: component.count >> 8))
            out.append(UInt8(truncatingIfNeeded: component.count))
            out += component
            out.append(0)
        }
        return out
    }

    /// Splits key bytes back into the serialized components; nil when the bytes are not a key of
    /// `count` components (never for keys this layer wrote).
    public static func decode(_ bytes: [UInt8], count: Int) -> [[UInt8]]? {
        if count == 1 { return [bytes] }
        var components: [[UInt8]] = []
        var offset = 0
        while offset < bytes.count {
            guard offset + 2 <= bytes.count else { return nil }
            let length = Int(bytes[offset]) << 8 | Int(bytes[offset + 1])
            offset += 2
            guard offset + length + 1 <= bytes.count else { return nil }
            components.append(Array(bytes[offset..<offset + length]))
            offset += length + 1
        }
        return components.count == count ? components : nil
    }
}
