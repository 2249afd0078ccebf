import BasaltCQLProtocol
import Foundation

/// A Swift value that can be bound to a statement's marker.
///
/// Each type names its natural CQL value (`Int32` is an `int`, `Int` a `bigint`, `String` a
/// `text`, `[T]` a `list`). When the marker's type is known (prepared statements) the client
/// converts that value to it whenever this is exact or customary: `1` (an `Int`) binds to an
/// `int` column if it fits, an array to a `set`, a `String` to `ascii`. Simple statements have no
/// marker types, so the natural type is what is sent.
public protocol CQLEncodable: Sendable {
    var cqlValue: CQLValue { get }
}

extension CQLValue: CQLEncodable {
    public var cqlValue: CQLValue { self }
}

extension Bool: CQLEncodable {
    public var cqlValue: CQLValue { .boolean(self) }
}

extension String: CQLEncodable {
    public var cqlValue: CQLValue { .text(self) }
}

extension Int: CQLEncodable {
    public var cqlValue: CQLValue { .bigint(Int64(self)) }
}

extension Int8: CQLEncodable {
    public var cqlValue: CQLValue { .tinyint(self) }
}

extension Int16: CQLEncodable {
    public var cqlValue: CQLValue { .smallint(self) }
}

extension Int32: CQLEncodable {
    public var cqlValue: CQLValue { .int(self) }
}

extension Int64: CQLEncodable {
    public var cqlValue: CQLValue { .bigint(self) }
}

extension Float: CQLEncodable {
    public var cqlValue: CQLValue { .float(self) }
}

extension Double: CQLEncodable {
    public var cqlValue: CQLValue { .double(self) }
}

extension CQLUUID: CQLEncodable {
    /// A version-1 uuid also binds to `timeuuid` markers.
    public var cqlValue: CQLValue { .uuid(self) }
}

extension UUID: CQLEncodable {
    public var cqlValue: CQLValue { .uuid(CQLUUID(self)) }
}

extension CQLInet: CQLEncodable {
    public var cqlValue: CQLValue { .inet(self) }
}

extension CQLDecimal: CQLEncodable {
    public var cqlValue: CQLValue { .decimal(self) }
}

extension CQLVarint: CQLEncodable {
    public var cqlValue: CQLValue { .varint(self) }
}

extension CQLDuration: CQLEncodable {
    public var cqlValue: CQLValue { .duration(self) }
}

extension CQLDate: CQLEncodable {
    public var cqlValue: CQLValue { .date(wire) }
}

extension CQLTime: CQLEncodable {
    public var cqlValue: CQLValue { .time(nanosecondsSinceMidnight) }
}

extension Date: CQLEncodable {
    /// A `timestamp`: milliseconds since the epoch, truncated as the drivers do.
    public var cqlValue: CQLValue { .timestamp(Int64((timeIntervalSince1970 * 1000).rounded(.down))) }
}

extension Data: CQLEncodable {
    public var cqlValue: CQLValue { .blob([UInt8](self)) }
}

extension Optional: CQLEncodable where Wrapped: CQLEncodable {
    public var cqlValue: CQLValue { self?.cqlValue ?? .null }
}

extension Array: CQLEncodable where Element: CQLEncodable {
    public var cqlValue: CQLValue { .list(map(\.cqlValue)) }
}

extension Set: CQLEncodable where Element: CQLEncodable {
    public var cqlValue: CQLValue { .set(map(\.cqlValue)) }
}

extension Dictionary: CQLEncodable where Key: CQLEncodable, Value: CQLEncodable {
    public var cqlValue: CQLValue { .map(map { CQLMapEntry(key: $0.key.cqlValue, value: $0.value.cqlValue) }) }
}

extension CQLUUID {
    init(_ uuid: UUID) {
        self.init(bytes: withUnsafeBytes(of: uuid.uuid) { Array($0) })
    }
}

extension UUID {
    init(_ uuid: CQLUUID) {
        let b = uuid.bytes
        self.init(uuid: (b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]))
    }
}
