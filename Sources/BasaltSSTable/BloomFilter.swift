import BasaltCore
import Glibc

/// The hash of a partition key that every bloom filter probes with. A read computes it once and asks
/// each SSTable with it, instead of hashing the key again per SSTable.
public struct BloomProbe: Sendable {
    let h1: UInt64
    let h2: UInt64

    public init(_ key: PartitionKey) { self.init(key.bytes) }

    init(_ bytes: [UInt8]) { (h1, h2) = bytes.withUnsafeBytes { Murmur3.hash128($0) } }
}

/// A bloom filter over partition key bytes: answers "certainly absent" for most keys an SSTable does
/// not hold, so a read skips its index and data entirely.
///
/// It is *blocked* (cache-local): the filter is an array of 512-bit blocks (one cache line each) and
/// all probes of a key fall in one block. A read asks every SSTable whose range holds the key, so a
/// probe costing one cache miss instead of `hashCount` misses is most of the filter's cost. Blocking
/// raises the false-positive rate a little at equal size, so the filter gets 10% more bits than the
/// textbook sizing (as RocksDB does for its cache-local filter).
///
/// Hashing: `(h1, h2) = Murmur3.hash128(key)`. The block is `fastRange(h1, blockCount)` where
/// `fastRange(x, n) = (x * n) >> 64` (a multiply instead of a division). Probe i takes the next 9 bits
/// of h2 (low bits first) as a bit index within the block; after 7 probes h2 is remixed
/// (`h2 = (h2 ^ (h2 >> 32)) * 0x9E3779B97F4A7C15`) for 7 more. Bit b of a block is bit `b & 63`
/// (least significant first) of the block's word `b >> 6`; words are stored big-endian.
struct BloomFilter: Hashable, Sendable {
    let hashCount: Int
    let bitCount: UInt64
    private(set) var words: [UInt64]

    static let blockBits: UInt64 = 512
    static let wordsPerBlock = 8
    static let probesPerHash = 7
    static let maximumHashCount = 30
    /// 2^36 bits = 8 GiB: far above any real filter, low enough that a corrupt count cannot OOM us
    /// before the size check against the file fails.
    static let maximumBitCount: UInt64 = 1 << 36

    /// Sized for `expectedKeys` at `falsePositiveChance`: bits per key = 1.1 · -ln p / ln²2 (the 1.1 pays
    /// for blocking), hashes = -ln p / ln 2, bits rounded up to whole 512-bit blocks.
    init(expectedKeys: Int, falsePositiveChance: Double) {
        precondition(falsePositiveChance > 0 && falsePositiveChance < 1, "false-positive chance must be in (0, 1)")
        let ln2 = 0.6931471805599453
        let bitsPerKey = -log(falsePositiveChance) / (ln2 * ln2)
        let bits = UInt64((Double(max(expectedKeys, 1)) * bitsPerKey * 1.1).rounded(.up))
        let blocks = max(1, (bits + Self.blockBits - 1) / Self.blockBits)
        hashCount = min(Self.maximumHashCount, max(1, Int((bitsPerKey * ln2).rounded())))
        bitCount = min(blocks * Self.blockBits, Self.maximumBitCount)
        words = [UInt64](repeating: 0, count: Int(bitCount / 64))
    }

    private init(hashCount: Int, bitCount: UInt64, words: [UInt64]) {
        self.hashCount = hashCount
        self.bitCount = bitCount
        self.words = words
    }

    /// Calls `body` with (word index, bit mask) for each probe of `probe`.
    @inline(__always)
    private func forEachProbe(_ probe: BloomProbe, _ body: (Int, UInt64) -> Bool) -> Bool {
        let blockCount = bitCount / Self.blockBits
        let base = Int(probe.h1.multipliedFullWidth(by: blockCount).high) * Self.wordsPerBlock
        var bits = probe.h2
        for i in 0..<hashCount {
            if i > 0 && i % Self.probesPerHash == 0 { bits = (bits ^ (bits >> 32)) &* 0x9E37_79B9_7F4A_7C15 }
            let bit = bits & 511
            bits >>= 9
            if !body(base + Int(bit >> 6), 1 << (bit & 63)) { return false }
        }
        return true
    }

    mutating func insert(_ key: [UInt8]) {
        let probe = BloomProbe(key)
        var positions: [(Int, UInt64)] = []
        positions.reserveCapacity(hashCount)
        _ = forEachProbe(probe) { positions.append(($0, $1)); return true }
        for (word, mask) in positions { words[word] |= mask }
    }

    func mayContain(_ key: [UInt8]) -> Bool { mayContain(BloomProbe(key)) }

    func mayContain(_ probe: BloomProbe) -> Bool {
        words.withUnsafeBufferPointer { w in
            forEachProbe(probe) { word, mask in w[word] & mask != 0 }
        }
    }

    /// hashCount: u32 | bitCount: u64 | ceil(bitCount / 64) words: u64 big-endian.
    func encoded() -> [UInt8] {
        var w = ByteWriter(capacity: 12 + words.count * 8)
        w.write(bigEndian: UInt32(hashCount))
        w.write(bigEndian: bitCount)
        for word in words { w.write(bigEndian: word) }
        return ComponentFrame.wrap(magic: ComponentFrame.filterMagic, body: w.bytes)
    }

    static func decode(_ bytes: [UInt8], path: String) throws -> BloomFilter {
        try ComponentFrame.decode(bytes, magic: ComponentFrame.filterMagic, path: path) { r throws(DecodeError) in
            let hashOffset = r.offset
            let hashCount = Int(try r.read(UInt32.self, "hash count"))
            guard hashCount >= 1 && hashCount <= maximumHashCount else {
                throw DecodeError.malformed(what: "hash count \(hashCount)", offset: hashOffset)
            }
            let bitsOffset = r.offset
            let bitCount = try r.read(UInt64.self, "bit count")
            guard bitCount >= blockBits && bitCount <= maximumBitCount && bitCount % blockBits == 0 else {
                throw DecodeError.malformed(what: "bit count \(bitCount)", offset: bitsOffset)
            }
            let wordCount = Int((bitCount + 63) / 64)
            guard wordCount * 8 == r.remaining else {
                throw DecodeError.malformed(what: "\(wordCount) filter words in \(r.remaining) bytes", offset: r.offset)
            }
            let words = r.bytes.withUnsafeBytes { raw in
                let start = r.offset
                return [UInt64](unsafeUninitializedCapacity: wordCount) { out, initialized in
                    for i in 0..<wordCount {
                        out[i] = UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: start + i * 8, as: UInt64.self))
                    }
                    initialized = wordCount
                }
            }
            try r.skip(wordCount * 8, "filter words")
            return BloomFilter(hashCount: hashCount, bitCount: bitCount, words: words)
        }
    }
}
