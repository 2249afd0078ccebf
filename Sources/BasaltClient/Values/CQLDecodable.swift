import BasaltCQLProtocol
import Foundation

/// A Swift type a column value can be read as (`row.get(Int32.self, "id")`).
///
/// Reading widens but never narrows: an `int` column reads as `Int32`, `Int64` or `Int`, but a
/// `bigint` does not read as `Int32`. A null value (or an empty one, the protocol's legacy "no
/// value") reads only as an `Optional`.
public protocol CQLDecodable: Sendable {
    init(cqlValue: CQLValue) throws
}

extension CQLValue: CQLDecodable {
    public init(cqlValue: CQLValue) { self = cqlValue }
}

/// The error for a value of the wrong kind.
func mismatch(_ value: CQLValue, _ target: Any.Type) -> BasaltClientError {
    switch value {
    case .null: .decoding(message: "the value is null; read it as \(target)? instead")
    case .empty: .decoding(message: "the value is empty (no value); read it as \(target)? instead")
    default: .decoding(message: "cannot read \(CQLValue.describe(value)) as \(target)")
    }
}

/// Integers read as any integer type they fit; the error says which value did not.
private func integer<T: FixedWidthInteger>(_ value: CQLValue, as type: T.Type) throws -> T {
    let width: Int
    switch value {
    case .tinyint: width = 8
    case .smallint: width = 16
    case .int: width = 32
    case .bigint, .counter: width = 64
    default: throw mismatch(value, T.self)
    }
    // Only lossless widening: an Int32 never silently reads a bigint, even one that happens to fit.
    guard width <= T.bitWidth, let integer = value.integerValue, let result = T(exactly: integer) else {
        throw mismatch(value, T.self)
    }
    return result
}

extension Int8: CQLDecodable {
    public init(cqlValue: CQLValue) throws { self = try integer(cqlValue, as: Int8.self) }
}

extension Int16: CQLDecodable {
    public init(cqlValue: CQLValue) throws { self = try integer(cqlValue, as: Int16.self) }
}

extension Int32: CQLDecodable {
    public init(cqlValue: CQLValue) throws { self = try integer(cqlValue, as: Int32.self) }
}

extension Int64: CQLDecodable {
    public init(cqlValue: CQLValue) throws { self = try integer(cqlValue, as: Int64.self) }
}

extension Int: CQLDecodable {
    public init(cqlValue: CQLValue) throws { self = try integer(cqlValue, as: Int.self) }
}

extension Bool: CQLDecodable {
    public init(cqlValue: CQLValue) throws {
        guard case .boolean(let value) = cqlValue else { throw mismatch(cqlValue, Bool.self) }
        self = value
    }
}

extension String: CQLDecodable {
    public init(cqlValue: CQLValue) throws {
        switch cqlValue {
        case .text(let text), .ascii(let text): self = text
        default: throw mismatch(cqlValue, String.self)
        }
    }
}

extension Double: CQLDecodable {
    public init(cqlValue: CQLValue) throws {
        switch cqlValue {
        case .double(let value): self = value
        case .float(let value): self = Double(value)
        default: throw mismatch(cqlValue, Double.self)
        }
    }
}

extension Float: CQLDecodable {
    public init(cqlValue: CQLValue) throws {
        guard case .float(let value) = cqlValue else { throw mismatch(cqlValue, Float.self) }
        self = value
    }
}

extension CQLUUID: CQLDecodable {
    public init(cqlValue: CQLValue) throws {
        switch cqlValue {
        case .uuid(let uuid), .timeuuid(let uuid): self = uuid
        default: throw mismatch(cqlValue, CQLUUID.self)
        }
    }
}

extension UUID: CQLDecodable {
    public init(cqlValue: CQLValue) throws { self.init(try CQLUUID(cqlValue: cqlValue)) }
}

extension CQLInet: CQLDecodable {
    public init(cqlValue: CQLValue) throws {
        guard case .inet(let inet) = cqlValue else { throw mismatch(cqlValue, CQLInet.self) }
        self = inet
    }
}

extension CQLDecimal: CQLDecodable {
    public init(cqlValue: CQLValue) throws {
        guard case .decimal(let decimal) = cqlValue else { throw mismatch(cqlValue, CQLDecimal.self) }
        self = decimal
    }
}

extension CQLVarint: CQLDecodable {
    /// Any integer column reads as a varint.
    public init(cqlValue: CQLValue) throws {
        if case .varint(let varint) = cqlValue {
            self = varint
        } else if let integer = cqlValue.integerValue {
            self.init(integer)
        } else {
            throw mismatch(cqlValue, CQLVarint.self)
        }
    }
}

extension CQLDuration: CQLDecodable {
    public init(cqlValue: CQLValue) throws {
        guard case .duration(let duration) = cqlValue else { throw mismatch(cqlValue, CQLDuration.self) }
        self = duration
    }
}

extension CQLDate: CQLDecodable {
    public init(cqlValue: CQLValue) throws {
        guard case .date(let wire) = cqlValue else { throw mismatch(cqlValue, CQLDate.self) }
        self.init(wire: wire)
    }
}

extension CQLTime: CQLDecodable {
    public init(cqlValue: CQLValue) throws {
        // The codec already refused times outside the day.
        guard case .time(let nanoseconds) = cqlValue, let time = CQLTime(nanosecondsSinceMidnight: nanoseconds) else {
            throw mismatch(cqlValue, CQLTime.self)
        }
        self = time
    }
}

extension Date: CQLDecodable {
    public init(cqlValue: CQLValue) throws {
        guard case .timestamp(let milliseconds) = cqlValue else { throw mismatch(cqlValue, Date.self) }
        self.init(timeIntervalSince1970: Double(milliseconds) / 1000)
    }
}

extension Data: CQLDecodable {
    public init(cqlValue: CQLValue) throws {
        switch cqlValue {
        case .blob(let bytes), .custom(let bytes): self.init(bytes)
        default: throw mismatch(cqlValue, Data.self)
        }
    }
}

extension Optional: CQLDecodable where Wrapped: CQLDecodable {
    public init(cqlValue: CQLValue) throws {
        switch cqlValue {
        case .null, .empty: self = nil
        default: self = try Wrapped(cqlValue: cqlValue)
        }
    }
}

extension Array: CQLDecodable where Element: CQLDecodable {
    /// A list or a set, in the order the node sent (a set's order is its sort order).
    public init(cqlValue: CQLValue) throws {
        switch cqlValue {
        case .list(let elements), .set(let elements): self = try elements.map(Element.init(cqlValue:))
        // A collection with no elements is stored as no value at all: it reads as empty.
        case .null: self = []
        default: throw mismatch(cqlValue, [Element].self)
        }
    }
}

extension Set: CQLDecodable where Element: CQLDecodable {
    public init(cqlValue: CQLValue) throws {
        switch cqlValue {
        case .list(let elements), .set(let elements): self = Set(try elements.map(Element.init(cqlValue:)))
        case .null: self = []
        default: throw mismatch(cqlValue, Set<Element>.self)
        }
    }
}

extension Dictionary: CQLDecodable where Key: CQLDecodable, Value: CQLDecodable {
    public init(cqlValue: CQLValue) throws {
        switch cqlValue {
        case .map(let entries):
            self.init(minimumCapacity: entries.count)
            for entry in entries { self[try Key(cqlValue: entry.key)] = try Value(cqlValue: entry.value) }
        case .null: self = [:]
        default: throw mismatch(cqlValue, [Key: Value].self)
        }
    }
}
