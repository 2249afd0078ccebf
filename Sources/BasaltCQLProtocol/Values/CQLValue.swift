/// A typed CQL value. The `CQLDataType` it is serialized as decides the wire form; several types
/// share a case (`text` for ascii/text, `bigint` for bigint/counter, `uuid` for uuid/timeuuid).
public enum CQLValue: Hashable, Sendable {
    case null
    /// A zero-length value of a non-string type: legal on the wire for legacy reasons (spec §6),
    /// distinct from null, and read as "no value" by drivers.
    case empty
    case ascii(String)
    case text(String)
    case bigint(Int64)
    case counter(Int64)
    case blob([UInt8])
    case boolean(Bool)
    case decimal(CQLDecimal)
    case double(Double)
    case float(Float)
    case int(Int32)
    /// Milliseconds since the Unix epoch.
    case timestamp(Int64)
    case uuid(CQLUUID)
    case timeuuid(CQLUUID)
    case varint(CQLVarint)
    case inet(CQLInet)
    /// Days with the epoch at 2^31 (`CQLValue.dateEpoch` is 1970-01-01).
    case date(UInt32)
    /// Nanoseconds since midnight, 0 ..< 86_400 s.
    case time(Int64)
    case smallint(Int16)
    case tinyint(Int8)
    case duration(CQLDuration)
    case list([CQLValue])
    case set([CQLValue])
    case map([CQLMapEntry])
    /// One element per tuple component; components may be `.null`.
    case tuple([CQLValue])
    /// Field values in the type's declaration order; may hold fewer than the type has (spec §7).
    case udt([CQLValue])
    /// The bytes of a value of a custom type, uninterpreted.
    case custom([UInt8])

    /// `date` value of 1970-01-01.
    public static let dateEpoch: UInt32 = 1 << 31

    /// Nanoseconds in a day; `time` values lie in `0 ..< nanosecondsPerDay`.
    public static let nanosecondsPerDay: Int64 = 86_400 * 1_000_000_000
}

public struct CQLMapEntry: Hashable, Sendable {
    public var key: CQLValue
    public var value: CQLValue

    public init(key: CQLValue, value: CQLValue) {
        self.key = key
        self.value = value
    }
}

/// A value that does not fit its type: wrong length, invalid UTF-8, a literal that does not parse.
/// The message follows Cassandra's wording so the executor can return it verbatim as `0x2200` Invalid.
public struct CQLValueError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
