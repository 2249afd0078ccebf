/// A CQL type as the protocol describes it in column specs (`[option]`, spec §4.2.5.2).
///
/// `frozen<...>` has no wire form, so it is not modelled; `varchar` is `text`.
public indirect enum CQLDataType: Hashable, Sendable, CustomStringConvertible {
    case ascii, bigint, blob, boolean, counter, decimal, double, float, int, timestamp, uuid, text, varint
    case timeuuid, inet, date, time, smallint, tinyint
    /// v4 has no id for duration: it is sent as the custom type `DurationType` (see `durationClassName`).
    case duration
    case list(CQLDataType)
    case map(key: CQLDataType, value: CQLDataType)
    case set(CQLDataType)
    case udt(CQLUserType)
    case tuple([CQLDataType])
    /// A server-side Java class name; values are opaque bytes.
    case custom(String)

    public static let durationClassName = "org.apache.cassandra.db.marshal.DurationType"

    /// The CQL spelling, as used in schema tables and in SCHEMA_CHANGE argument type lists.
    public var description: String {
        switch self {
        case .ascii: "ascii"
        case .bigint: "bigint"
        case .blob: "blob"
        case .boolean: "boolean"
        case .counter: "counter"
        case .decimal: "decimal"
        case .double: "double"
        case .float: "float"
        case .int: "int"
        case .timestamp: "timestamp"
        case .uuid: "uuid"
        case .text: "text"
        case .varint: "varint"
        case .timeuuid: "timeuuid"
        case .inet: "inet"
        case .date: "date"
        case .time: "time"
        case .smallint: "smallint"
        case .tinyint: "tinyint"
        case .duration: "duration"
        case .list(let element): "list<\(element)>"
        case .map(let key, let value): "map<\(key), \(value)>"
        case .set(let element): "set<\(element)>"
        case .udt(let type): type.name
        case .tuple(let elements): "tuple<" + elements.map(\.description).joined(separator: ", ") + ">"
        case .custom(let className): "'\(className)'"
        }
    }
}

/// A user-defined type: its fields in declaration order, which is also the value's field order.
public struct CQLUserType: Hashable, Sendable {
    public var keyspace: String
    public var name: String
    public var fields: [Field]

    public struct Field: Hashable, Sendable {
        public var name: String
        public var type: CQLDataType

        public init(name: String, type: CQLDataType) {
            self.name = name
            self.type = type
        }
    }

    public init(keyspace: String, name: String, fields: [Field]) {
        self.keyspace = keyspace
        self.name = name
        self.fields = fields
    }
}
