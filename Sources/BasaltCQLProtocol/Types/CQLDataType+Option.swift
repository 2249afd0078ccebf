import NIOCore

// The `[option]` wire form of a type (spec §4.2.5.2): a [short] id, then for collections, UDTs,
// tuples and custom types, the nested options or class name.
extension CQLDataType {
    /// Deeper nesting than this is refused so a crafted `list<list<...>>` chain cannot exhaust the
    /// stack while decoding types or values; real schemas stay far below it.
    public static let maximumNestingDepth = 32

    /// The `[option]` id; duration has none in v4 and reports the custom id.
    public var optionID: UInt16 {
        switch self {
        case .custom, .duration: 0x0000
        case .ascii: 0x0001
        case .bigint: 0x0002
        case .blob: 0x0003
        case .boolean: 0x0004
        case .counter: 0x0005
        case .decimal: 0x0006
        case .double: 0x0007
        case .float: 0x0008
        case .int: 0x0009
        case .timestamp: 0x000B
        case .uuid: 0x000C
        case .text: 0x000D
        case .varint: 0x000E
        case .timeuuid: 0x000F
        case .inet: 0x0010
        case .date: 0x0011
        case .time: 0x0012
        case .smallint: 0x0013
        case .tinyint: 0x0014
        case .list: 0x0020
        case .map: 0x0021
        case .set: 0x0022
        case .udt: 0x0030
        case .tuple: 0x0031
        }
    }

    static let nativeTypesByID: [UInt16: CQLDataType] = Dictionary(
        uniqueKeysWithValues: [
            CQLDataType.ascii, .bigint, .blob, .boolean, .counter, .decimal, .double, .float, .int, .timestamp,
            .uuid, .text, .varint, .timeuuid, .inet, .date, .time, .smallint, .tinyint,
        ].map { ($0.optionID, $0) }
    )
}

extension ByteBuffer {
    /// Reads one `[option]` type; `nil` means more bytes are needed.
    public mutating func readCQLDataType() throws -> CQLDataType? {
        try parseUnwindingIfNeeded { buffer in try buffer.readCQLOption(depth: 0) }
    }

    mutating func readCQLOption(depth: Int) throws -> CQLDataType {
        guard depth < CQLDataType.maximumNestingDepth else {
            throw CQLProtocolError.typeNestingTooDeep(limit: CQLDataType.maximumNestingDepth)
        }
        let id = try readCQLShort()
        if let native = CQLDataType.nativeTypesByID[id] { return native }
        switch id {
        case 0x0000:
            let className = try readCQLString("custom type class")
            return className == CQLDataType.durationClassName ? .duration : .custom(className)
        case 0x0020: return .list(try readCQLOption(depth: depth + 1))
        case 0x0021:
            let key = try readCQLOption(depth: depth + 1)
            return .map(key: key, value: try readCQLOption(depth: depth + 1))
        case 0x0022: return .set(try readCQLOption(depth: depth + 1))
        case 0x0030:
            let keyspace = try readCQLString("UDT keyspace")
            let name = try readCQLString("UDT name")
            // Each field is at least a [string] length and an option id.
            let count = try readCQLCount("UDT fields", minimumElementSize: 4, wide: false)
            var fields: [CQLUserType.Field] = []
            fields.reserveCapacity(count)
            for _ in 0..<count {
                let fieldName = try readCQLString("UDT field name")
                fields.append(.init(name: fieldName, type: try readCQLOption(depth: depth + 1)))
            }
            return .udt(CQLUserType(keyspace: keyspace, name: name, fields: fields))
        case 0x0031:
            let count = try readCQLCount("tuple types", minimumElementSize: 2, wide: false)
            var elements: [CQLDataType] = []
            elements.reserveCapacity(count)
            for _ in 0..<count { elements.append(try readCQLOption(depth: depth + 1)) }
            return .tuple(elements)
        default:
            throw CQLProtocolError.unknownTypeID(id)
        }
    }

    @discardableResult
    public mutating func writeCQLDataType(_ type: CQLDataType) -> Int {
        var written = writeInteger(type.optionID)
        switch type {
        case .custom(let className): written += writeCQLString(className)
        case .duration: written += writeCQLString(CQLDataType.durationClassName)
        case .list(let element), .set(let element): written += writeCQLDataType(element)
        case .map(let key, let value): written += writeCQLDataType(key) + writeCQLDataType(value)
        case .udt(let type):
            written += writeCQLString(type.keyspace) + writeCQLString(type.name) + writeCQLShortCount(type.fields.count)
            for field in type.fields { written += writeCQLString(field.name) + writeCQLDataType(field.type) }
        case .tuple(let elements):
            written += writeCQLShortCount(elements.count)
            for element in elements { written += writeCQLDataType(element) }
        default:
            break
        }
        return written
    }
}
