import BasaltCore

/// The value write number `sequence` stores: `size` pseudo-random bytes derived from the sequence
/// number and the run's seed, so `--verify` can recompute what every write put in its row
/// without having kept it. Random bytes are what real payloads look like to lz4: incompressible.
public struct ValueGenerator: Sendable {
    public let size: Int
    public let seed: UInt64

    public init(size: Int, seed: UInt64) {
        precondition(size >= 0)
        self.size = size
        self.seed = seed
    }

    public func value(_ sequence: UInt64) -> [UInt8] {
        var generator = SplitMix64(seed: sequence &* 0x2545_F491_4F6C_DD1D ^ seed)
        return [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            var index = 0
            while index < size {
                var word = generator.next()
                for _ in 0..<min(8, size - index) {
                    buffer[index] = UInt8(truncatingIfNeeded: word)
                    word >>= 8
                    index += 1
                }
            }
            initialized = size
        }
    }
}
