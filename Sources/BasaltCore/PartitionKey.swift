#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A partition's identity: its serialized key bytes and the Murmur3 token they hash to.
///
/// Partitions are ordered by token, then by key bytes (two keys can share a token), which is the order
/// of the ring, of SSTables and of scans. Equality and hashing use the token first so that a lookup
/// rarely compares the bytes at all.
public struct PartitionKey: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let token: Int64
    public let bytes: [UInt8]

    /// Cassandra limits a partition key to 64 KiB; so do we, so that every stored length has a bound.
    public static let maximumLength = 65_535

    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
        self.token = Murmur3.token(bytes)
    }

    /// For decoders that stored the token beside the key, so that it is not hashed again.
    public init(token: Int64, bytes: [UInt8]) {
        self.token = token
        self.bytes = bytes
    }

    public static func == (lhs: PartitionKey, rhs: PartitionKey) -> Bool {
        lhs.token == rhs.token && lhs.bytes == rhs.bytes
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(token) }

    public static func < (lhs: PartitionKey, rhs: PartitionKey) -> Bool {
        if lhs.token != rhs.token { return lhs.token < rhs.token }
        return compareBytes(lhs.bytes, rhs.bytes) < 0
    }

    public var description: String { "\(token):\(hexString(bytes))" }
}

/// Unsigned lexicographic comparison, as `memcmp` with the shorter-is-smaller rule: -1, 0 or 1.
@inlinable
public func compareBytes(_ a: [UInt8], _ b: [UInt8]) -> Int {
    a.withUnsafeBufferPointer { pa in
        b.withUnsafeBufferPointer { pb in
            let common = min(pa.count, pb.count)
            if common > 0 {
                let r = memcmp(pa.baseAddress!, pb.baseAddress!, common)
                if r != 0 { return r < 0 ? -1 : 1 }
            }
            return pa.count == pb.count ? 0 : (pa.count < pb.count ? -1 : 1)
        }
    }
}

/// Lower-case hex, for messages and logs.
public func hexString<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
    let digits = Array("0123456789abcdef".utf8)
    var out = [UInt8]()
    out.reserveCapacity(bytes.count * 2)
    for b in bytes {
        out.append(digits[Int(b >> 4)])
        out.append(digits[Int(b & 0xF)])
    }
    return String(decoding: out, as: UTF8.self)
}
