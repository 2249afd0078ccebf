/// A `duration` value: months, days and nanoseconds kept apart because their lengths vary
/// (a month is not a fixed number of days). In v4 it travels as the custom type
/// `org.apache.cassandra.db.marshal.DurationType`: three zig-zag vints.
public struct CQLDuration: Hashable, Sendable {
    public var months: Int32
    public var days: Int32
    public var nanoseconds: Int64

    /// Cassandra rejects mixed signs (`DurationSerializer.validate`); so does this initializer.
    public init?(months: Int32, days: Int32, nanoseconds: Int64) {
        let allNonNegative = months >= 0 && days >= 0 && nanoseconds >= 0
        let allNonPositive = months <= 0 && days <= 0 && nanoseconds <= 0
        guard allNonNegative || allNonPositive else { return nil }
        self.months = months
        self.days = days
        self.nanoseconds = nanoseconds
    }
}

/// Cassandra's `VIntCoding`: the count of leading one bits in the first byte is the number of
/// extra bytes (up to 8); signed values are zig-zag encoded first.
enum VInt {
    static func encode(_ value: Int64, into bytes: inout [UInt8]) {
        let unsigned = UInt64(bitPattern: (value << 1) ^ (value >> 63))
        let magnitude = 64 - (unsigned | 1).leadingZeroBitCount
        let size = min(9, (magnitude - 1) / 7 + 1)
        let extra = size - 1
        var encoded = (0..<size).map { UInt8(truncatingIfNeeded: unsigned >> (8 * UInt64(size - 1 - $0))) }
        if extra == 8 {
            encoded[0] = 0xFF
        } else {
            encoded[0] |= ~(UInt8(0xFF) >> extra)
        }
        bytes += encoded
    }

    /// Returns nil when the bytes end inside the vint.
    static func decode(_ bytes: [UInt8], at offset: inout Int) -> Int64? {
        guard offset < bytes.count else { return nil }
        let first = bytes[offset]
        let extra = (~first).leadingZeroBitCount
        guard offset + 1 + extra <= bytes.count else { return nil }
        var value = extra == 8 ? 0 : UInt64(first & (UInt8(0xFF) >> extra))
        for index in 0..<extra { value = value << 8 | UInt64(bytes[offset + 1 + index]) }
        offset += 1 + extra
        return Int64(bitPattern: value >> 1) ^ -Int64(bitPattern: value & 1)
    }
}
