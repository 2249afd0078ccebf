import CBasaltSupport

/// CRC-32C (Castagnoli) over bytes: the checksum of every commit-log record and SSTable chunk.
/// Hardware-accelerated where the CPU has SSE4.2 (see `CBasaltSupport/crc32c.c`).
public enum CRC32C {
    /// The CRC of `bytes`, continuing from `crc` (0 to start a new checksum).
    @inlinable
    public static func checksum(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
        guard let base = bytes.baseAddress else { return crc }
        return basalt_crc32c(crc, base, bytes.count)
    }

    @inlinable
    public static func checksum(_ bytes: [UInt8], continuing crc: UInt32 = 0) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0, continuing: crc) }
    }
}
