import BasaltCore
import BasaltCQL
import BasaltCQLProtocol

/// The select list compiled against a table: output column specs and how to compute each value from
/// a `LogicalRow` (or, for aggregates, from all rows).
struct ResultSelection {
    enum Output {
        case column(Int)
        case writetime(Int)
        case ttl(Int)
        case token
        case countRows
        case count(Int)
        case min(Int)
        case max(Int)
        case sum(Int)
        case avg(Int)

        var isAggregate: Bool {
            switch self {
            case .countRows, .count, .min, .max, .sum, .avg: true
            default: false
            }
        }
    }

    var specs: [CQLColumnSpec]
    var outputs: [Output]
    let table: TableSchema

    var isAggregate: Bool { outputs.contains { $0.isAggregate } }

    init(_ selection: Selection, table: TableSchema) throws(QueryError) {
        self.table = table
        specs = []
        outputs = []
        let index = Dictionary(uniqueKeysWithValues: table.columns.enumerated().map { ($1.name, $0) })
        func spec(_ name: String, _ type: CQLDataType) -> CQLColumnSpec {
            CQLColumnSpec(keyspace: table.keyspace, table: table.name, name: name, type: type)
        }
        func column(_ name: String) throws(QueryError) -> Int {
            guard let position = index[name] else { throw .invalid("Undefined column name \(name) in selection clause") }
            return position
        }
        switch selection {
        case .all:
            for column in table.selectStarColumns {
                outputs.append(.column(index[column.name]!))
                specs.append(spec(column.name, column.dataType))
            }
        case .selectors(let selectors):
            for selector in selectors {
                let output: Output
                let name: String
                let type: CQLDataType
                switch selector.expression {
                case .column(let c):
                    output = .column(try column(c)); name = c; type = table.columns[index[c]!].dataType
                case .countRows:
                    output = .countRows; name = "count"; type = .bigint
                case .writetime(let c):
                    let position = try column(c)
                    guard !table.columns[position].isPrimaryKey else { throw .invalid("Cannot use selection function writeTime on PRIMARY KEY part \(c)") }
                    output = .writetime(position); name = "writetime(\(c))"; type = .bigint
                case .ttl(let c):
                    let position = try column(c)
                    guard !table.columns[position].isPrimaryKey else { throw .invalid("Cannot use selection function ttl on PRIMARY KEY part \(c)") }
                    output = .ttl(position); name = "ttl(\(c))"; type = .int
                case .function(let function, let arguments):
                    let columns = arguments.compactMap { argument -> String? in
                        if case .column(let c) = argument { return c } else { return nil }
                    }
                    guard columns.count == arguments.count else { throw .invalid("Unsupported selector \(selector.expression)") }
                    name = "system.\(function.name)(\(columns.joined(separator: ", ")))"
                    switch (function.name, columns.count) {
                    case ("token", _):
                        guard columns == table.partitionKey.map(\.name) else {
                            throw .invalid("Invalid number of arguments in call to function system.token")
                        }
                        output = .token; type = .bigint
                    case ("count", 1): output = .count(try column(columns[0])); type = .bigint
                    case ("min", 1): output = .min(try column(columns[0])); type = table.columns[index[columns[0]]!].dataType
                    case ("max", 1): output = .max(try column(columns[0])); type = table.columns[index[columns[0]]!].dataType
                    case ("sum", 1): output = .sum(try column(columns[0])); type = table.columns[index[columns[0]]!].dataType
                    case ("avg", 1): output = .avg(try column(columns[0])); type = table.columns[index[columns[0]]!].dataType
                    default: throw .invalid("Unknown function '\(function.name)'")
                    }
                case .literal:
                    throw .invalid("Constants are not supported in the selection clause")
                }
                outputs.append(output)
                specs.append(spec(selector.alias ?? name, type))
            }
        }
    }

    func project(_ row: LogicalRow) -> [CQLValue] {
        outputs.map { output in
            switch output {
            case .column(let i): row.values[i]
            case .writetime(let i): row.writetimes[i].map { .bigint($0) } ?? .null
            case .ttl(let i): row.ttls[i].map { .int($0) } ?? .null
            case .token: .bigint(PartitionKey(row.partitionKey).token)
            default: .null
            }
        }
    }

    /// One row over all `rows`; plain columns take the first row's value, as Cassandra does.
    func aggregate(_ rows: [LogicalRow]) -> [CQLValue] {
        outputs.enumerated().map { position, output in
            switch output {
            case .countRows: return .bigint(Int64(rows.count))
            case .count(let i): return .bigint(Int64(rows.filter { $0.values[i] != .null }.count))
            case .min(let i), .max(let i):
                let type = table.columns[i].dataType
                let keyed = rows.map(\.values[i]).filter { $0 != .null }.compactMap { v in
                    (try? ClusteringEncoding.sortKey(v, as: type)).map { ($0, v) }
                }
                let pick: (([UInt8], CQLValue), ([UInt8], CQLValue)) -> Bool = { compareBytes($0.0, $1.0) < 0 }
                if case .min = output { return keyed.min(by: pick)?.1 ?? .null }
                return keyed.max(by: pick)?.1 ?? .null
            case .sum(let i), .avg(let i):
                let values = rows.map(\.values[i]).filter { $0 != .null }
                let isAvg = if case .avg = output { true } else { false }
                return Self.numeric(values, type: table.columns[i].dataType, average: isAvg)
            default:
                return rows.first.map { project($0)[position] } ?? .null
            }
        }
    }

    private static func numeric(_ values: [CQLValue], type: CQLDataType, average: Bool) -> CQLValue {
        var integer: Int64 = 0
        var floating: Double = 0
        for value in values {
            switch value {
            case .int(let v): integer &+= Int64(v)
            case .bigint(let v), .counter(let v): integer &+= v
            case .smallint(let v): integer &+= Int64(v)
            case .tinyint(let v): integer &+= Int64(v)
            case .float(let v): floating += Double(v)
            case .double(let v): floating += v
            default: break
            }
        }
        let n = Int64(max(values.count, 1))
        let total = average ? integer / n : integer
        let totalFloating = average ? floating / Double(n) : floating
        switch type {
        case .int: return .int(Int32(truncatingIfNeeded: total))
        case .bigint: return .bigint(total)
        case .counter: return .counter(total)
        case .smallint: return .smallint(Int16(truncatingIfNeeded: total))
        case .tinyint: return .tinyint(Int8(truncatingIfNeeded: total))
        case .float: return .float(Float(totalFloating))
        case .double: return .double(totalFloating)
        default: return .null
        }
    }
}
