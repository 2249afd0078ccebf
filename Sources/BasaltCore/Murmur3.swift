/// Cassandra's Murmur3Partitioner: MurmurHash3 x64_128 with seed 0, token = the first 64 bits.
///
/// It must match Cassandra bit for bit so that drivers route requests to the right replica, including
/// Cassandra's quirk: the tail bytes (the last `count % 16`) are read as *signed* Java bytes and so are
/// sign-extended before they are shifted into place. The reference C implementation reads them unsigned;
/// the two differ whenever a tail byte is >= 0x80 (key `ff`: Cassandra -4442228696663692417).
public enum Murmur3 {
    /// The token Cassandra's Murmur3Partitioner gives a partition key.
    /// `Int64.min` is never returned (Cassandra maps it to `Int64.max`: it is the ring's "minimum token").
    public static func token(_ key: [UInt8]) -> Int64 {
        key.withUnsafeBytes { token($0) }
    }

    public static func token(_ key: UnsafeRawBufferPointer) -> Int64 {
        if key.isEmpty { return Int64.min }
        let h1 = Int64(bitPattern: hash128(key).h1)
        return h1 == Int64.min ? Int64.max : h1
    }

    /// MurmurHash3_x64_128 with Cassandra's signed-tail quirk; seed 0 unless given.
    public static func hash128(_ key: UnsafeRawBufferPointer, seed: UInt64 = 0) -> (h1: UInt64, h2: UInt64) {
        let c1: UInt64 = 0x87c3_7b91_1142_53d5
        let c2: UInt64 = 0x4cf5_ad43_2745_937f
        let length = key.count
        let blockCount = length / 16
        var h1 = seed
        var h2 = seed
        for block in 0..<blockCount {
            var k1 = key.loadUnaligned(fromByteOffset: block * 16, as: UInt64.self).littleEndian
            var k2 = key.loadUnaligned(fromByteOffset: block * 16 + 8, as: UInt64.self).littleEndian
            k1 &*= c1; k1 = rotl(k1, 31); k1 &*= c2; h1 ^= k1
            h1 = rotl(h1, 27); h1 &+= h2; h1 = h1 &* 5 &+ 0x52dc_e729
            k2 &*= c2; k2 = rotl(k2, 33); k2 &*= c1; h2 ^= k2
            h2 = rotl(h2, 31); h2 &+= h1; h2 = h2 &* 5 &+ 0x3849_5ab5
        }
        let tail = blockCount * 16
        let rest = length & 15
        // Sign extension as Java does it: (long) signedByte.
        func byte(_ i: Int) -> UInt64 { UInt64(bitPattern: Int64(Int8(bitPattern: key[tail + i]))) }
        var k1: UInt64 = 0
        var k2: UInt64 = 0
        if rest > 8 {
            for i in stride(from: rest - 1, through: 8, by: -1) { k2 ^= byte(i) << UInt64((i - 8) * 8) }
            k2 &*= c2; k2 = rotl(k2, 33); k2 &*= c1; h2 ^= k2
        }
        if rest > 0 {
            for i in stride(from: min(rest, 8) - 1, through: 0, by: -1) { k1 ^= byte(i) << UInt64(i * 8) }
            k1 &*= c1; k1 = rotl(k1, 31); k1 &*= c2; h1 ^= k1
        }
        h1 ^= UInt64(length); h2 ^= UInt64(length)
        h1 &+= h2; h2 &+= h1
        h1 = fmix(h1); h2 = fmix(h2)
        h1 &+= h2; h2 &+= h1
        return (h1, h2)
    }

    @inline(__always) private static func rotl(_ x: UInt64, _ r: UInt64) -> UInt64 { (x << r) | (x >> (64 - r)) }

    @inline(__always) private static func fmix(_ value: UInt64) -> UInt64 {
        var k = value
        k ^= k >> 33; k &*= 0xff51_afd7_ed55_8ccd
        k ^= k >> 33; k &*= 0xc4ce_b9fe_1a85_ec53
        k ^= k >> 33
        return k
    }
}
