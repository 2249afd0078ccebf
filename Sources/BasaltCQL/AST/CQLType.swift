/// A column type in a table definition.
public indirect enum CQLType: Hashable, Sendable, CustomStringConvertible {
    case native(NativeType)
    case list(CQLType)
    case set(CQLType)
    case map(key: CQLType, value: CQLType)
    case tuple([CQLType])
    /// `frozen<...>`; the parser only allows it around collections and tuples, as Cassandra does.
    case frozen(CQLType)

    public var description: String {
        switch self {
        case .native(let type): type.rawValue
        case .list(let element): "list<\(element)>"
        case .set(let element): "set<\(element)>"
        case .map(let key, let value): "map<\(key), \(value)>"
        case .tuple(let elements): "tuple<\(CQLText.list(elements))>"
        case .frozen(let inner): "frozen<\(inner)>"
        }
    }
}

/// The native types; `varchar` is parsed as `text`, which is the same type in Cassandra.
public enum NativeType: String, Hashable, Sendable, CaseIterable {
    case ascii, bigint, blob, boolean, counter, date, decimal, double, duration, float, inet, int, smallint,
        text, time, timestamp, timeuuid, tinyint, uuid, varint
}
