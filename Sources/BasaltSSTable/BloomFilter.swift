import BasaltCore
import Glibc

/// A bloom filter over partition key bytes: answers "certainly absent" for most keys an SSTable does
/// not hold, so a read skips its index and data entirely.
///
/// Hashing is Murmur3.hash128 of the key with Kirsch–Mitzenmacher double hashing: probe i sets bit
/// `fastRange(h1 + i * h2)`, where `fastRange(x) = (x * bitCount) >> 64` maps a 64-bit hash onto
/// `0 ..< bitCount` with a multiply instead of a division. Bit b is bit `b & 63` (least significant
/// first) of word `b >> 6`; words are stored big-endian.
struct BloomFilter: Hashable, Sendable {
    let hashCount: Int
    let bitCount: UInt64
    private(set) var words: [UInt64]

    static let maximumHashCount = 30
    /// 2^36 bits = 8 GiB: far above any real filter, low enough that a corrupt count cannot OOM us
    /// before the size check against the file fails.
    static let maximumBitCount: UInt64 = 1 << 36

    /// Sized for `expectedKeys` at `falsePositiveChance`: bits per key = -ln p / ln²2, hashes = bits per key · ln 2.
    init(expectedKeys: Int, falsePositiveChance: Double) {
        precondition(falsePositiveChance > 0 && falsePositiveChance < 1, "false-positive chance must be in (0, 1)")
        let ln2 = 0.6931471805599453
        let bitsPerKey = -log(falsePositiveChance) / (ln2 * ln2)
        let bits = max(64, UInt64((Double(max(expectedKeys, 1)) * bitsPerKey).rounded(.up)))
        hashCount = min(Self.maximumHashCount, max(1, Int((bitsPerKey * ln2).rounded())))
        bitCount = min(bits, Self.maximumBitCount)
        words = [UInt64](repeating: 0, count: Int((bitCount + 63) / 64))
    }

    private init(hashCount: Int, bitCount: UInt64, words: [UInt64]) {
        self.hashCount = hashCount
        self.bitCount = bitCount
        self.words = words
    }

    mutating func insert(_ key: [UInt8]) {
        let (h1, h2) = key.withUnsafeBytes { Murmur3.hash128($0) }
        var combined = h1
        for _ in 0..<hashCount {
            let bit = combined.multipliedFullWidth(by: bitCount).high
            words[Int(bit >> 6)] |= 1 << (bit & 63)
            combined &+= h2
        }
    }

    func mayContain(_ key: [UInt8]) -> Bool {
        let (h1, h2) = key.withUnsafeBytes { Murmur3.hash128($0) }
        return words.withUnsafeBufferPointer { w in
            var combined = h1
            for _ in 0..<hashCount {
                let bit = combined.multipliedFullWidth(by: bitCount).high
                if w[Int(bit >> 6)] & (1 << (bit & 63)) == 0 { return false }
                combined &+= h2
            }
            return true
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
            guard bitCount >= 64 && bitCount <= maximumBitCount else {
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
