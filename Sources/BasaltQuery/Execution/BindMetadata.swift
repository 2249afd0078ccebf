import BasaltCQL
import BasaltCQLProtocol

/// Names and types of bind markers for the Prepared result (notes §4.1): the column name for a plain
/// marker, Cassandra's special names otherwise (`in(c)`, `[limit]`, `partition key token`…).
enum BindMetadata {
    static func name(of marker: BindMarker) -> String {
        if let name = marker.name { return name }
        switch marker.target {
        case .column(let column): return column
        case .columns(let columns): return "(" + columns.joined(separator: ",") + ")"
        case .inValues(let columns): return "in(" + columns.joined(separator: ",") + ")"
        case .key(let column): return "key(\(column))"
        case .value(let column): return "value(\(column))"
        case .token: return "partition key token"
        case .limit: return "[limit]"
        case .perPartitionLimit: return "[per_partition_limit]"
        case .ttl: return "[ttl]"
        case .timestamp: return "[timestamp]"
        case .functionArgument(let function, let position, _):
            return "arg\(position)(system.\(function.name))"
        case .unknown: return "?"
        }
    }

    static func type(of marker: BindMarker, in table: TableSchema?) throws(QueryError) -> CQLDataType {
        func column(_ name: String) throws(QueryError) -> ColumnSchema {
            guard let column = table?.column(named: name) else { throw .invalid("Undefined column name \(name)") }
            return column
        }
        switch marker.target {
        case .column(let name): return try column(name).dataType
        case .columns(let names):
            var types: [CQLDataType] = []
            for name in names { types.append(try column(name).dataType) }
            return .tuple(types)
        case .inValues(let names):
            if names.count == 1 { return .list(try column(names[0]).dataType) }
            var types: [CQLDataType] = []
            for name in names { types.append(try column(name).dataType) }
            return .list(.tuple(types))
        case .key(let name):
            switch try column(name).dataType {
            case .map(let key, _): return key
            case .list: return .int
            case .set(let element): return element
            default: throw .invalid("Invalid element access on non-collection column \(name)")
            }
        case .value(let name):
            switch try column(name).dataType {
            case .map(_, let value): return value
            case .list(let element), .set(let element): return element
            default: throw .invalid("Invalid element access on non-collection column \(name)")
            }
        case .token, .timestamp: return .bigint
        case .limit, .perPartitionLimit, .ttl: return .int
        case .functionArgument(let function, let position, let count):
            return try FunctionRegistry.parameterType(function, position: position, count: count)
        case .unknown: return .blob
        }
    }
}
