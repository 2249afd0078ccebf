import BasaltCQLProtocol

extension Row {
    /// Decodes the row as a `T`, each coding key naming a column:
    ///
    ///     struct User: Decodable { let id: Int32; let name: String; let emails: Set<String>? }
    ///     let user = try row.decode(User.self)
    ///
    /// Properties of a `CQLDecodable` type (every scalar, `Date`, `UUID`, `Data`, collections of
    /// them) read as `get` does; other `Decodable` properties read nested values: a UDT or a
    /// `map<text, ...>` as a keyed container, a list, set or tuple as an unkeyed one.
    public func decode<T: Decodable>(_ type: T.Type = T.self) throws -> T {
        try T(from: RowDecoder(row: self, codingPath: []))
    }
}

/// The `Decoder` over a whole row: keyed by column name, or unkeyed over the columns in order.
private struct RowDecoder: Decoder {
    let row: Row
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        let values = row.columns.specs.indices.map { index in { try (row.value(at: index), row.columns.specs[index].type) } }
        let keys = Dictionary(row.columns.names.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        return KeyedDecodingContainer(KeyedValues<Key>(keys: keys, values: values, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let values = try row.columns.specs.indices.map { index in (try row.value(at: index), row.columns.specs[index].type) }
        return UnkeyedValues(values: values, codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        guard row.columns.count == 1 else {
            throw BasaltClientError.decoding(message: "a single value from a row of \(row.columns.count) columns")
        }
        return SingleValue(value: try row.value(at: 0), type: row.columns.specs[0].type, codingPath: codingPath)
    }
}

/// Decodes one CQL value as `T`: directly when `T` is `CQLDecodable`, else through `T(from:)`.
private func decodeValue<T: Decodable>(_ type: T.Type, _ value: CQLValue, _ cqlType: CQLDataType, path: [any CodingKey]) throws -> T {
    if let direct = T.self as? any CQLDecodable.Type {
        do {
            return try direct.init(cqlValue: value) as! T
        } catch {
            throw BasaltClientError.decoding(message: "\(pathText(path)): \(error)")
        }
    }
    return try T(from: ValueDecoder(value: value, type: cqlType, codingPath: path))
}

private func pathText(_ path: [any CodingKey]) -> String {
    path.isEmpty ? "value" : path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
}

/// Unsigned integers have no CQL type; they read from any integer that fits.
private func unsigned<T: FixedWidthInteger & UnsignedInteger>(_ type: T.Type, _ value: CQLValue, path: [any CodingKey]) throws -> T {
    guard let integer = value.integerValue, let result = T(exactly: integer) else {
        throw BasaltClientError.decoding(message: "\(pathText(path)): cannot read \(CQLValue.describe(value)) as \(T.self)")
    }
    return result
}

/// The `Decoder` over one nested value: a UDT or text-keyed map is keyed, a list, set, tuple or
/// map (key, value, key, ...) is unkeyed, anything is a single value.
private struct ValueDecoder: Decoder {
    let value: CQLValue
    let type: CQLDataType
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy keyType: Key.Type) throws -> KeyedDecodingContainer<Key> {
        var keys: [String: Int] = [:]
        var values: [() throws -> (CQLValue, CQLDataType)] = []
        switch (value, type) {
        case (.udt(let fields), .udt(let userType)):
            for (index, field) in userType.fields.enumerated() {
                keys[field.name] = index
                // Fields missing at the end of the value are null (spec §7).
                let fieldValue = index < fields.count ? fields[index] : .null
                values.append { (fieldValue, field.type) }
            }
        case (.map(let entries), .map(.text, let valueType)), (.map(let entries), .map(.ascii, let valueType)):
            for entry in entries {
                guard case .text(let key) = try entry.key.converted(to: .text) else { continue }
                keys[key] = values.count
                values.append { (entry.value, valueType) }
            }
        default:
            throw BasaltClientError.decoding(message: "\(pathText(codingPath)): \(type) is not a user-defined type or a map with text keys")
        }
        return KeyedDecodingContainer(KeyedValues<Key>(keys: keys, values: values, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let values: [(CQLValue, CQLDataType)]
        switch (value, type) {
        case (.list(let elements), .list(let elementType)), (.set(let elements), .set(let elementType)):
            values = elements.map { ($0, elementType) }
        case (.tuple(let elements), .tuple(let types)):
            values = Array(zip(elements, types))
        case (.map(let entries), .map(let keyType, let valueType)):
            values = entries.flatMap { [($0.key, keyType), ($0.value, valueType)] }
        case (.null, _):
            values = []
        default:
            throw BasaltClientError.decoding(message: "\(pathText(codingPath)): \(type) is not a list, set, tuple or map")
        }
        return UnkeyedValues(values: values, codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        SingleValue(value: value, type: type, codingPath: codingPath)
    }
}

/// Keyed access to columns or fields; values decode only when asked for.
private struct KeyedValues<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let keys: [String: Int]
    let values: [() throws -> (CQLValue, CQLDataType)]
    let codingPath: [any CodingKey]

    var allKeys: [Key] { keys.keys.compactMap { Key(stringValue: $0) } }

    func contains(_ key: Key) -> Bool { keys[key.stringValue] != nil }

    private func entry(_ key: Key) throws -> (CQLValue, CQLDataType) {
        guard let index = keys[key.stringValue] else {
            throw BasaltClientError.decoding(
                message: "\(pathText(codingPath + [key])): no such column or field (have \(keys.keys.sorted().joined(separator: ", ")))")
        }
        return try values[index]()
    }

    func decodeNil(forKey key: Key) throws -> Bool {
        switch try entry(key).0 {
        case .null, .empty: true
        default: false
        }
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        let (value, cqlType) = try entry(key)
        return try decodeValue(type, value, cqlType, path: codingPath + [key])
    }

    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try unsigned(type, entry(key).0, path: codingPath + [key]) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try unsigned(type, entry(key).0, path: codingPath + [key]) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try unsigned(type, entry(key).0, path: codingPath + [key]) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try unsigned(type, entry(key).0, path: codingPath + [key]) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try unsigned(type, entry(key).0, path: codingPath + [key]) }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        let (value, cqlType) = try entry(key)
        return try ValueDecoder(value: value, type: cqlType, codingPath: codingPath + [key]).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        let (value, cqlType) = try entry(key)
        return try ValueDecoder(value: value, type: cqlType, codingPath: codingPath + [key]).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder {
        throw BasaltClientError.decoding(message: "\(pathText(codingPath)): rows have no super decoder")
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        let (value, cqlType) = try entry(key)
        return ValueDecoder(value: value, type: cqlType, codingPath: codingPath + [key])
    }
}

/// Sequential access to columns in order, or to the elements of a list, set, tuple or map.
private struct UnkeyedValues: UnkeyedDecodingContainer {
    let values: [(CQLValue, CQLDataType)]
    let codingPath: [any CodingKey]
    private(set) var currentIndex = 0

    init(values: [(CQLValue, CQLDataType)], codingPath: [any CodingKey]) {
        self.values = values
        self.codingPath = codingPath
    }

    var count: Int? { values.count }
    var isAtEnd: Bool { currentIndex >= values.count }

    private struct Index: CodingKey {
        var intValue: Int?
        var stringValue: String { "\(intValue!)" }
        init(_ index: Int) { intValue = index }
        init?(stringValue: String) { nil }
        init?(intValue: Int) { self.intValue = intValue }
    }

    private mutating func next() throws -> (CQLValue, CQLDataType, [any CodingKey]) {
        guard !isAtEnd else {
            throw BasaltClientError.decoding(message: "\(pathText(codingPath)): only \(values.count) elements")
        }
        defer { currentIndex += 1 }
        return (values[currentIndex].0, values[currentIndex].1, codingPath + [Index(currentIndex)])
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd else { return false }
        switch values[currentIndex].0 {
        case .null, .empty:
            currentIndex += 1
            return true
        default:
            return false
        }
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let (value, cqlType, path) = try next()
        return try decodeValue(type, value, cqlType, path: path)
    }

    mutating func decode(_ type: UInt.Type) throws -> UInt { let (v, _, p) = try next(); return try unsigned(type, v, path: p) }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { let (v, _, p) = try next(); return try unsigned(type, v, path: p) }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { let (v, _, p) = try next(); return try unsigned(type, v, path: p) }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { let (v, _, p) = try next(); return try unsigned(type, v, path: p) }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { let (v, _, p) = try next(); return try unsigned(type, v, path: p) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        let (value, cqlType, path) = try next()
        return try ValueDecoder(value: value, type: cqlType, codingPath: path).container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let (value, cqlType, path) = try next()
        return try ValueDecoder(value: value, type: cqlType, codingPath: path).unkeyedContainer()
    }

    mutating func superDecoder() throws -> any Decoder {
        let (value, cqlType, path) = try next()
        return ValueDecoder(value: value, type: cqlType, codingPath: path)
    }
}

/// One value, decoded as whatever the caller asks for.
private struct SingleValue: SingleValueDecodingContainer {
    let value: CQLValue
    let type: CQLDataType
    let codingPath: [any CodingKey]

    func decodeNil() -> Bool {
        switch value {
        case .null, .empty: true
        default: false
        }
    }

    func decode<T: Decodable>(_ type: T.Type) throws -> T { try decodeValue(type, value, self.type, path: codingPath) }
    func decode(_ type: UInt.Type) throws -> UInt { try unsigned(type, value, path: codingPath) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try unsigned(type, value, path: codingPath) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try unsigned(type, value, path: codingPath) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try unsigned(type, value, path: codingPath) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try unsigned(type, value, path: codingPath) }
}
