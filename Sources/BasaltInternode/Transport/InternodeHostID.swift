/// A node's permanent identity, 16 bytes (a UUID, as Cassandra's host id): unlike its address it
/// survives an address change, so the handshake carries it and peers can tell a node that came
/// back on a new address from a new node.
public struct InternodeHostID: Hashable, Sendable, CustomStringConvertible {
    /// The first 8 bytes, big-endian.
    public var high: UInt64
    /// The last 8 bytes, big-endian.
    public var low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// The 16 bytes in wire order.
    public var bytes: [UInt8] {
        (0..<16).map { index in
            let word = index < 8 ? high : low
            return UInt8(truncatingIfNeeded: word >> (56 - 8 * UInt64(index % 8)))
        }
    }

    /// UUID text form, 8-4-4-4-12 lowercase hex digits.
    public var description: String {
        let digits = bytes.map { $0 < 0x10 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
        let cuts = [0, 8, 12, 16, 20, 32]
        return (0..<5).map { part in
            let from = digits.index(digits.startIndex, offsetBy: cuts[part])
            let to = digits.index(digits.startIndex, offsetBy: cuts[part + 1])
            return String(digits[from..<to])
        }.joined(separator: "-")
    }
}
