import BasaltCQLProtocol

/// A CQL `date`: a day without a time zone, counted from 1970-01-01 (negative before it).
public struct CQLDate: Hashable, Sendable, Comparable {
    public var daysSinceEpoch: Int32

    public init(daysSinceEpoch: Int32) {
        self.daysSinceEpoch = daysSinceEpoch
    }

    /// The wire form counts days with the epoch at 2^31 (spec §6.10), i.e. the sign bit flipped.
    init(wire: UInt32) {
        daysSinceEpoch = Int32(bitPattern: wire ^ CQLValue.dateEpoch)
    }

    var wire: UInt32 { UInt32(bitPattern: daysSinceEpoch) ^ CQLValue.dateEpoch }

    public static func < (lhs: CQLDate, rhs: CQLDate) -> Bool { lhs.daysSinceEpoch < rhs.daysSinceEpoch }
}

/// A CQL `time`: nanoseconds since midnight, `0 ..< 86_400_000_000_000`.
public struct CQLTime: Hashable, Sendable, Comparable {
    public var nanosecondsSinceMidnight: Int64

    public init?(nanosecondsSinceMidnight: Int64) {
        guard (0..<CQLValue.nanosecondsPerDay).contains(nanosecondsSinceMidnight) else { return nil }
        self.nanosecondsSinceMidnight = nanosecondsSinceMidnight
    }

    public init?(hour: Int, minute: Int, second: Int, nanosecond: Int = 0) {
        guard (0..<24).contains(hour), (0..<60).contains(minute), (0..<60).contains(second),
            (0..<1_000_000_000).contains(nanosecond)
        else { return nil }
        let seconds = Int64(hour * 3600 + minute * 60 + second)
        self.init(nanosecondsSinceMidnight: seconds * 1_000_000_000 + Int64(nanosecond))
    }

    public static func < (lhs: CQLTime, rhs: CQLTime) -> Bool { lhs.nanosecondsSinceMidnight < rhs.nanosecondsSinceMidnight }
}
