import BasaltCQLProtocol

/// Version-1 uuids: a 60-bit count of 100 ns intervals since 1582-10-15 in the high half, the clock
/// sequence and node in the low half.
enum TimeUUID {
    private static let node: UInt64 = UInt64.random(in: 0..<(1 << 48)) | (1 << 40)
    private static let clockSequence: UInt64 = UInt64.random(in: 0..<0x3FFF)
    /// 100 ns intervals between 1582-10-15 and the Unix epoch.
    private static let gregorianOffset: Int64 = 0x01B2_1DD2_1381_4000
    /// The low halves `minTimeuuid` and `maxTimeuuid` use: the smallest and largest under
    /// Cassandra's order, which compares the low 8 bytes as signed bytes.
    private static let minimumLow: UInt64 = 0x8080_8080_8080_8080
    private static let maximumLow: UInt64 = 0x7F7F_7F7F_7F7F_7F7F

    /// A fresh uuid for `now()`: the clock's microsecond plus random sub-microsecond ticks.
    static func make(micros: Int64) -> CQLUUID {
        uuid(ticks: UInt64(bitPattern: micros &* 10 &+ gregorianOffset) &+ UInt64.random(in: 0..<10),
             low: (0x8000 | clockSequence) << 48 | node)
    }

    /// The smallest timeuuid of millisecond `millis`, for range queries (`minTimeuuid`).
    static func minimum(millis: Int64) -> CQLUUID {
        uuid(ticks: UInt64(bitPattern: millis &* 10_000 &+ gregorianOffset), low: minimumLow)
    }

    /// The largest timeuuid of millisecond `millis` (`maxTimeuuid`).
    static func maximum(millis: Int64) -> CQLUUID {
        uuid(ticks: UInt64(bitPattern: (millis &+ 1) &* 10_000 &+ gregorianOffset) &- 1, low: maximumLow)
    }

    /// The millisecond a timeuuid was made in (`toTimestamp`, `dateOf`).
    static func millis(of uuid: CQLUUID) -> Int64 {
        let high = uuid.high
        let ticks = (high >> 32) | ((high >> 16) & 0xFFFF) << 32 | (high & 0x0FFF) << 48
        return (Int64(bitPattern: ticks) &- gregorianOffset) / 10_000
    }

    private static func uuid(ticks: UInt64, low: UInt64) -> CQLUUID {
        let high = (ticks & 0xFFFF_FFFF) << 32 | ((ticks >> 32) & 0xFFFF) << 16 | 0x1000 | (ticks >> 48) & 0x0FFF
        return CQLUUID(high: high, low: low)
    }
}

enum UUIDBytes {
    static func random4() -> [UInt8] {
        var bytes = (0..<16).map { _ in UInt8.random(in: 0...255) }
        bytes[6] = bytes[6] & 0x0F | 0x40
        bytes[8] = bytes[8] & 0x3F | 0x80
        return bytes
    }
}
