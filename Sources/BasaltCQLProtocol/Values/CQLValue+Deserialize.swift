// Deserialization with Cassandra's validation: every fixed-size type must have exactly its size
// (or zero bytes where "empty" is legal), text must be valid UTF-8, collections must contain exactly
// the announced elements. Messages mirror Cassandra's serializers' `MarshalException` texts.
extension CQLValue {
    /// Decodes a value read from a `[bytes]`/`[value]` field; nil bytes are `.null`.
    public static func deserialize(bytes: [UInt8]?, type: CQLDataType) throws -> CQLValue {
        guard let bytes else { return .null }
        return try deserialize(bytes[...], type: type)
    }

    static func deserialize(_ bytes: ArraySlice<UInt8>, type: CQLDataType) throws -> CQLValue {
        if bytes.isEmpty && type.acceptsEmpty { return .empty }
        switch type {
        case .ascii:
            if let bad = bytes.first(where: { $0 >= 0x80 }) { throw CQLValueError("Invalid byte for ascii: \(bad)") }
            return .ascii(String(decoding: bytes, as: UTF8.self))
        case .text:
            guard let string = String(validating: bytes, as: UTF8.self) else {
                throw CQLValueError("String didn't validate.")
            }
            return .text(string)
        case .bigint:
            return .bigint(try fixed(bytes, "Expected 8 or 0 byte long (\(bytes.count))"))
        case .counter:
            return .counter(try fixed(bytes, "Expected 8 or 0 byte long (\(bytes.count))"))
        case .timestamp:
            return .timestamp(try fixed(bytes, "Expected 8 or 0 byte long for date (\(bytes.count))"))
        case .int:
            return .int(try fixed(bytes, "Expected 4 or 0 byte int (\(bytes.count))"))
        case .smallint:
            return .smallint(try fixed(bytes, "Expected 2 bytes for a smallint (\(bytes.count))"))
        case .tinyint:
            let value: UInt8 = try fixed(bytes, "Expected 1 byte for a tinyint (\(bytes.count))")
            return .tinyint(Int8(bitPattern: value))
        case .boolean:
            let value: UInt8 = try fixed(bytes, "Expected 1 or 0 byte value (\(bytes.count))")
            return .boolean(value != 0)
        case .double:
            let bits: UInt64 = try fixed(bytes, "Expected 8 or 0 byte value for a double (\(bytes.count))")
            return .double(Double(bitPattern: bits))
        case .float:
            let bits: UInt32 = try fixed(bytes, "Expected 4 or 0 byte value for a float (\(bytes.count))")
            return .float(Float(bitPattern: bits))
        case .date:
            return .date(try fixed(bytes, "Expected 4 byte long for date (\(bytes.count))"))
        case .time:
            let nanos: Int64 = try fixed(bytes, "Expected 8 byte long for time (\(bytes.count))")
            guard (0..<nanosecondsPerDay).contains(nanos) else {
                throw CQLValueError("Time value \(nanos) is outside of 0 to 86399999999999 nanoseconds")
            }
            return .time(nanos)
        case .uuid, .timeuuid:
            guard bytes.count == 16 else { throw CQLValueError("UUID should be 16 or 0 bytes (\(bytes.count))") }
            let uuid = CQLUUID(bytes: Array(bytes))
            guard type == .uuid else {
                guard uuid.version == 1 else { throw CQLValueError("Unsupported UUID version (\(uuid.version)) for timeuuid") }
                return .timeuuid(uuid)
            }
            return .uuid(uuid)
        case .varint:
            return .varint(CQLVarint(twosComplement: Array(bytes))!)
        case .decimal:
            guard bytes.count >= 5 else { throw CQLValueError("Expected 0 or at least 5 bytes for decimal (\(bytes.count))") }
            let scale: Int32 = try fixed(bytes.prefix(4), "")
            return .decimal(CQLDecimal(unscaled: CQLVarint(twosComplement: Array(bytes.dropFirst(4)))!, scale: scale))
        case .inet:
            guard let inet = CQLInet(bytes: Array(bytes)) else {
                throw CQLValueError("Expected 4 or 16 byte inetaddress; got \(bytes.count) bytes")
            }
            return .inet(inet)
        case .blob:
            return .blob(Array(bytes))
        case .custom:
            return .custom(Array(bytes))
        case .duration:
            let raw = Array(bytes)
            var offset = 0
            guard raw.count >= 3, let months = VInt.decode(raw, at: &offset), let days = VInt.decode(raw, at: &offset),
                let nanos = VInt.decode(raw, at: &offset), offset == raw.count
            else { throw CQLValueError("Invalid duration encoding (\(raw.count) bytes)") }
            guard let months32 = Int32(exactly: months), let days32 = Int32(exactly: days) else {
                throw CQLValueError("Duration months or days out of range")
            }
            guard let duration = CQLDuration(months: months32, days: days32, nanoseconds: nanos) else {
                throw CQLValueError("The duration months, days and nanoseconds must be all of the same sign")
            }
            return .duration(duration)
        case .list(let elementType), .set(let elementType):
            var reader = ValueReader(bytes: bytes, what: type.description)
            let count = try reader.readCount(minimumElementSize: 4)
            var elements: [CQLValue] = []
            elements.reserveCapacity(count)
            for _ in 0..<count { elements.append(try reader.readElement(elementType)) }
            try reader.expectEnd()
            return type == .list(elementType) ? .list(elements) : .set(elements)
        case .map(let keyType, let valueType):
            var reader = ValueReader(bytes: bytes, what: type.description)
            let count = try reader.readCount(minimumElementSize: 8)
            var entries: [CQLMapEntry] = []
            entries.reserveCapacity(count)
            for _ in 0..<count {
                let key = try reader.readElement(keyType)
                entries.append(CQLMapEntry(key: key, value: try reader.readElement(valueType)))
            }
            try reader.expectEnd()
            return .map(entries)
        case .tuple(let types):
            var reader = ValueReader(bytes: bytes, what: type.description)
            var elements: [CQLValue] = []
            for elementType in types { elements.append(try reader.readField(elementType)) }
            try reader.expectEnd()
            return .tuple(elements)
        case .udt(let userType):
            // Fewer fields than declared is legal (spec §7): trailing fields are then null.
            var reader = ValueReader(bytes: bytes, what: userType.name)
            var fields: [CQLValue] = []
            for field in userType.fields where !reader.isAtEnd { fields.append(try reader.readField(field.type)) }
            try reader.expectEnd()
            return .udt(fields)
        }
    }

    private static func fixed<T: FixedWidthInteger>(_ bytes: ArraySlice<UInt8>, _ message: @autoclosure () -> String) throws -> T {
        guard bytes.count == MemoryLayout<T>.size else { throw CQLValueError(message()) }
        return bytes.reduce(T.zero) { $0 << 8 | T(truncatingIfNeeded: $1) }
    }
}

/// A cursor over the components of a collection, tuple or UDT value.
private struct ValueReader {
    var bytes: ArraySlice<UInt8>
    let what: String

    var isAtEnd: Bool { bytes.isEmpty }

    mutating func readInt() throws -> Int32 {
        guard bytes.count >= 4 else { throw CQLValueError("Not enough bytes to read a \(what)") }
        let value = bytes.prefix(4).reduce(Int32(0)) { $0 << 8 | Int32($1) }
        bytes = bytes.dropFirst(4)
        return value
    }

    /// The count must be non-negative and leave room for that many minimal elements, so a hostile
    /// count fails before any allocation.
    mutating func readCount(minimumElementSize: Int) throws -> Int {
        let count = try readInt()
        guard count >= 0, Int(count) <= bytes.count / minimumElementSize else {
            throw CQLValueError("Invalid element count \(count) for a \(what) of \(bytes.count + 4) bytes")
        }
        return Int(count)
    }

    mutating func readField(_ type: CQLDataType) throws -> CQLValue {
        let length = try readInt()
        guard length >= 0 else { return .null }
        guard Int(length) <= bytes.count else { throw CQLValueError("Not enough bytes to read a \(what)") }
        let element = bytes.prefix(Int(length))
        bytes = bytes.dropFirst(Int(length))
        return try CQLValue.deserialize(element, type: type)
    }

    mutating func readElement(_ type: CQLDataType) throws -> CQLValue {
        let value = try readField(type)
        guard value != .null else { throw CQLValueError("null is not supported inside collections (\(what))") }
        return value
    }

    func expectEnd() throws {
        guard bytes.isEmpty else { throw CQLValueError("Unexpected extraneous bytes after \(what) value") }
    }
}
