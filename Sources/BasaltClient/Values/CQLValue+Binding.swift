import BasaltCQLProtocol

// Turning a bound Swift value into the bytes of a `[value]`: converted to the marker's type when
// it is known (prepared statements), or sent in its own natural type (simple statements).
extension CQLValue {
    /// Serializes this value for a marker of type `type`, converting it first (see `converted`).
    func bound(as type: CQLDataType) throws(BasaltClientError) -> CQLBoundValue {
        let value = try converted(to: type)
        do {
            guard let bytes = try value.serialize(as: type) else { return .null }
            return .bytes(bytes)
        } catch {
            throw .invalidValue(message: "\(error)")
        }
    }

    /// Serializes this value in its own type, for a marker whose type the client does not know.
    func boundByInference() throws(BasaltClientError) -> CQLBoundValue {
        if case .null = self { return .null }
        if case .empty = self { return .bytes([]) }
        return try bound(as: try inferredType())
    }

    /// The type this value is naturally serialized as. Collections take their first element's
    /// type; an empty collection serializes to the same bytes whatever its element type.
    func inferredType() throws(BasaltClientError) -> CQLDataType {
        switch self {
        case .null, .empty: return .blob
        case .ascii: return .ascii
        case .text: return .text
        case .bigint: return .bigint
        case .counter: return .counter
        case .blob: return .blob
        case .boolean: return .boolean
        case .decimal: return .decimal
        case .double: return .double
        case .float: return .float
        case .int: return .int
        case .timestamp: return .timestamp
        case .uuid: return .uuid
        case .timeuuid: return .timeuuid
        case .varint: return .varint
        case .inet: return .inet
        case .date: return .date
        case .time: return .time
        case .smallint: return .smallint
        case .tinyint: return .tinyint
        case .duration: return .duration
        case .custom: return .blob
        case .list(let elements): return .list(try elements.first?.inferredType() ?? .blob)
        case .set(let elements): return .set(try elements.first?.inferredType() ?? .blob)
        case .map(let entries):
            guard let first = entries.first else { return .map(key: .blob, value: .blob) }
            return .map(key: try first.key.inferredType(), value: try first.value.inferredType())
        case .tuple(let elements):
            var types: [CQLDataType] = []
            for element in elements { types.append(try element.inferredType()) }
            return .tuple(types)
        case .udt:
            throw .invalidValue(message: "a user-defined type value needs its type: bind it to a prepared statement")
        }
    }

    /// This value as a value of `type`, when the conversion loses nothing (an integer that fits,
    /// an array for a set, a string for ascii) or is the drivers' custom (a Double for a float
    /// column, an integer for a timestamp in milliseconds).
    func converted(to type: CQLDataType) throws(BasaltClientError) -> CQLValue {
        switch (self, type) {
        case (.null, _), (.empty, _):
            return self
        case (.ascii(let text), .text), (.text(let text), .text): return .text(text)
        case (.ascii(let text), .ascii), (.text(let text), .ascii): return .ascii(text)
        case (.uuid(let uuid), .uuid), (.timeuuid(let uuid), .uuid): return .uuid(uuid)
        case (.uuid(let uuid), .timeuuid), (.timeuuid(let uuid), .timeuuid): return .timeuuid(uuid)
        case (.blob(let bytes), .blob), (.custom(let bytes), .blob): return .blob(bytes)
        case (.blob(let bytes), .custom), (.custom(let bytes), .custom): return .custom(bytes)
        case (.float(let value), .double): return .double(Double(value))
        case (.double(let value), .float): return .float(Float(value))
        default:
            break
        }
        if let integer = integerValue, let converted = Self.integer(integer, as: type) { return converted }
        switch (self, type) {
        case (.list(let elements), .list(let elementType)), (.set(let elements), .list(let elementType)):
            return .list(try Self.convertAll(elements, to: elementType))
        case (.list(let elements), .set(let elementType)), (.set(let elements), .set(let elementType)):
            return .set(try Self.convertAll(elements, to: elementType))
        case (.map(let entries), .map(let keyType, let valueType)):
            var converted: [CQLMapEntry] = []
            converted.reserveCapacity(entries.count)
            for entry in entries {
                converted.append(CQLMapEntry(key: try entry.key.converted(to: keyType), value: try entry.value.converted(to: valueType)))
            }
            return .map(converted)
        case (.tuple(let elements), .tuple(let types)):
            guard elements.count == types.count else {
                throw .invalidValue(message: "a tuple of \(elements.count) components for type \(type)")
            }
            var converted: [CQLValue] = []
            for (element, elementType) in zip(elements, types) { converted.append(try element.converted(to: elementType)) }
            return .tuple(converted)
        case (.udt(let fields), .udt(let userType)):
            guard fields.count <= userType.fields.count else {
                throw .invalidValue(message: "\(fields.count) fields for type \(userType.name), which has \(userType.fields.count)")
            }
            var converted: [CQLValue] = []
            for (field, declared) in zip(fields, userType.fields) { converted.append(try field.converted(to: declared.type)) }
            return .udt(converted)
        default:
            guard sameCase(as: type) else {
                throw .invalidValue(message: "cannot bind \(Self.describe(self)) to a value of type \(type)")
            }
            return self
        }
    }

    private static func convertAll(_ elements: [CQLValue], to type: CQLDataType) throws(BasaltClientError) -> [CQLValue] {
        var converted: [CQLValue] = []
        converted.reserveCapacity(elements.count)
        for element in elements { converted.append(try element.converted(to: type)) }
        return converted
    }

    /// The value of an integer case, when it fits 64 bits.
    var integerValue: Int64? {
        switch self {
        case .tinyint(let value): Int64(value)
        case .smallint(let value): Int64(value)
        case .int(let value): Int64(value)
        case .bigint(let value), .counter(let value): value
        case .varint(let value): value.int64Value
        default: nil
        }
    }

    /// An integer as a value of `type`, if `type` holds integers (or exact floats) and it fits.
    private static func integer(_ value: Int64, as type: CQLDataType) -> CQLValue? {
        switch type {
        case .tinyint: Int8(exactly: value).map(CQLValue.tinyint)
        case .smallint: Int16(exactly: value).map(CQLValue.smallint)
        case .int: Int32(exactly: value).map(CQLValue.int)
        case .bigint: .bigint(value)
        case .counter: .counter(value)
        case .varint: .varint(CQLVarint(value))
        case .decimal: .decimal(CQLDecimal(unscaled: CQLVarint(value), scale: 0))
        // Milliseconds since the epoch, as every driver accepts for a timestamp.
        case .timestamp: .timestamp(value)
        case .double: Double(exactly: value).map(CQLValue.double)
        case .float: Float(exactly: value).map(CQLValue.float)
        default: nil
        }
    }

    /// Whether this value's case is the one `type` serializes from (for the types that need no
    /// conversion: boolean, inet, date, time, duration, decimal, varint, timestamp, ...).
    private func sameCase(as type: CQLDataType) -> Bool {
        switch (self, type) {
        case (.boolean, .boolean), (.decimal, .decimal), (.double, .double), (.float, .float), (.timestamp, .timestamp),
            (.varint, .varint), (.inet, .inet), (.date, .date), (.time, .time), (.duration, .duration),
            (.int, .int), (.bigint, .bigint), (.counter, .counter), (.smallint, .smallint), (.tinyint, .tinyint):
            true
        default:
            false
        }
    }

    /// "an int 300", "a list of 3", for messages.
    static func describe(_ value: CQLValue) -> String {
        switch value {
        case .list(let elements): "a list of \(elements.count)"
        case .set(let elements): "a set of \(elements.count)"
        case .map(let entries): "a map of \(entries.count)"
        case .tuple(let elements): "a tuple of \(elements.count)"
        case .udt: "a user-defined type value"
        case .text(let text), .ascii(let text): "the string \"\(text.prefix(40))\""
        default:
            if let integer = value.integerValue { "the integer \(integer)" } else { "a \((try? value.inferredType())?.description ?? "value")" }
        }
    }
}
