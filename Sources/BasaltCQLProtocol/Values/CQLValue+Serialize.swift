// Serialization to the value formats of spec §6-7. Collections use the v3+ layout: an [int] count,
// then each element as [int]-length-prefixed bytes.
extension CQLValue {
    /// The value's bytes, or nil for `.null`. Throws when the value's case does not match `type`,
    /// or the value is out of the type's range (a `time` past midnight, a non-v1 `timeuuid`).
    public func serialize(as type: CQLDataType) throws -> [UInt8]? {
        if case .null = self { return nil }
        var bytes: [UInt8] = []
        try serialize(as: type, into: &bytes)
        return bytes
    }

    func serialize(as type: CQLDataType, into bytes: inout [UInt8]) throws {
        switch (self, type) {
        case (.null, _):
            preconditionFailure("null has no bytes; callers write it as a -1 length")
        case (.empty, _):
            guard type.acceptsEmpty else { throw CQLValueError("An empty value is not valid for type \(type)") }
        case (.ascii(let string), .ascii):
            guard string.utf8.allSatisfy({ $0 < 0x80 }) else { throw CQLValueError("Invalid ASCII string: \(string)") }
            bytes += string.utf8
        case (.text(let string), .text): bytes += string.utf8
        case (.bigint(let value), .bigint), (.counter(let value), .counter), (.timestamp(let value), .timestamp):
            appendBigEndian(value, to: &bytes)
        case (.blob(let value), .blob), (.custom(let value), .custom): bytes += value
        case (.boolean(let value), .boolean): bytes.append(value ? 1 : 0)
        case (.decimal(let value), .decimal):
            appendBigEndian(value.scale, to: &bytes)
            bytes += value.unscaled.bytes
        case (.double(let value), .double): appendBigEndian(value.bitPattern, to: &bytes)
        case (.float(let value), .float): appendBigEndian(value.bitPattern, to: &bytes)
        case (.int(let value), .int): appendBigEndian(value, to: &bytes)
        case (.uuid(let value), .uuid): bytes += value.bytes
        case (.timeuuid(let value), .timeuuid):
            guard value.version == 1 else { throw CQLValueError("Unsupported UUID version (\(value.version)) for timeuuid") }
            bytes += value.bytes
        case (.varint(let value), .varint): bytes += value.bytes
        case (.inet(let value), .inet): bytes += value.bytes
        case (.date(let value), .date): appendBigEndian(value, to: &bytes)
        case (.time(let value), .time):
            guard (0..<CQLValue.nanosecondsPerDay).contains(value) else {
                throw CQLValueError("Time value \(value) is outside of 0 to 86399999999999 nanoseconds")
            }
            appendBigEndian(value, to: &bytes)
        case (.smallint(let value), .smallint): appendBigEndian(value, to: &bytes)
        case (.tinyint(let value), .tinyint): bytes.append(UInt8(bitPattern: value))
        case (.duration(let value), .duration):
            VInt.encode(Int64(value.months), into: &bytes)
            VInt.encode(Int64(value.days), into: &bytes)
            VInt.encode(value.nanoseconds, into: &bytes)
        case (.list(let elements), .list(let elementType)), (.set(let elements), .set(let elementType)):
            appendBigEndian(Int32(elements.count), to: &bytes)
            for element in elements { try element.serializeElement(as: elementType, into: &bytes, collection: type) }
        case (.map(let entries), .map(let keyType, let valueType)):
            appendBigEndian(Int32(entries.count), to: &bytes)
            for entry in entries {
                try entry.key.serializeElement(as: keyType, into: &bytes, collection: type)
                try entry.value.serializeElement(as: valueType, into: &bytes, collection: type)
            }
        case (.tuple(let elements), .tuple(let types)):
            guard elements.count == types.count else {
                throw CQLValueError("Invalid tuple literal: expected \(types.count) components, got \(elements.count)")
            }
            for (element, elementType) in zip(elements, types) { try element.serializeField(as: elementType, into: &bytes) }
        case (.udt(let fields), .udt(let userType)):
            guard fields.count <= userType.fields.count else {
                throw CQLValueError("UDT value has \(fields.count) fields but type \(userType.name) has \(userType.fields.count)")
            }
            for (field, declared) in zip(fields, userType.fields) { try field.serializeField(as: declared.type, into: &bytes) }
        default:
            throw CQLValueError("Invalid \(caseName) value for type \(type)")
        }
    }

    /// Collection elements cannot be null (Cassandra: "null is not supported inside collections").
    private func serializeElement(as type: CQLDataType, into bytes: inout [UInt8], collection: CQLDataType) throws {
        guard self != .null else { throw CQLValueError("null is not supported inside collections (\(collection))") }
        try serializeField(as: type, into: &bytes)
    }

    /// A length-prefixed component; tuple and UDT components may be null (-1).
    private func serializeField(as type: CQLDataType, into bytes: inout [UInt8]) throws {
        guard self != .null else {
            appendBigEndian(Int32(-1), to: &bytes)
            return
        }
        let lengthOffset = bytes.count
        bytes += [0, 0, 0, 0]
        try serialize(as: type, into: &bytes)
        let length = bytes.count - lengthOffset - 4
        guard let length32 = Int32(exactly: length) else { throw CQLValueError("Collection element too large") }
        for index in 0..<4 { bytes[lengthOffset + index] = UInt8(truncatingIfNeeded: length32 >> (24 - 8 * index)) }
    }

    /// The case name used in mismatch messages.
    var caseName: String {
        switch self {
        case .null: "null"
        case .empty: "empty"
        case .ascii: "ascii"
        case .text: "text"
        case .bigint: "bigint"
        case .counter: "counter"
        case .blob: "blob"
        case .boolean: "boolean"
        case .decimal: "decimal"
        case .double: "double"
        case .float: "float"
        case .int: "int"
        case .timestamp: "timestamp"
        case .uuid: "uuid"
        case .timeuuid: "timeuuid"
        case .varint: "varint"
        case .inet: "inet"
        case .date: "date"
        case .time: "time"
        case .smallint: "smallint"
        case .tinyint: "tinyint"
        case .duration: "duration"
        case .list: "list"
        case .set: "set"
        case .map: "map"
        case .tuple: "tuple"
        case .udt: "udt"
        case .custom: "custom"
        }
    }
}

extension CQLDataType {
    /// Types whose zero-length value is legal and means "empty" (spec §6: "most non-string types"):
    /// the ones whose Cassandra validators say "Expected N or 0 bytes". For strings, blobs, UDTs,
    /// tuples and custom types zero bytes is an ordinary value; the rest reject it.
    var acceptsEmpty: Bool {
        switch self {
        case .bigint, .boolean, .counter, .decimal, .double, .float, .int, .timestamp, .uuid, .timeuuid, .varint, .inet:
            true
        case .ascii, .text, .blob, .smallint, .tinyint, .date, .time, .duration, .list, .map, .set, .udt, .tuple, .custom:
            false
        }
    }
}

func appendBigEndian<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
    let size = MemoryLayout<T>.size
    for index in 0..<size { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * (size - 1 - index)))) }
}
