import BasaltCore
import BasaltCQL
import BasaltCQLProtocol

/// A WHERE clause analysed against a table: which partitions to read (keys, or a token range scan),
/// which clustering slices to read in each, and the predicates checked on every row. Every relation
/// is also kept as a row predicate, so slices only narrow what is read and never decide correctness.
struct Restrictions {
    /// Keys to read, when every partition key column has `=`/`IN`; nil means a range scan.
    var partitionKeys: [PartitionKey]?
    var tokenStart: (token: Int64, inclusive: Bool)?
    var tokenEnd: (token: Int64, inclusive: Bool)?
    /// Ascending slices (in byte order) to read inside each partition.
    var slices: [ClusteringSlice] = [.all]
    var predicates: [Predicate] = []
    var restrictsClustering = false

    struct Predicate {
        var columns: [Int]
        var op: RelationOperator
        var operands: [CQLValue]
        var types: [CQLDataType]
    }

    static func inValues(_ term: Term, column: ColumnSchema, evaluator: TermEvaluator) throws(QueryError) -> [CQLValue] {
        switch term {
        case .list(let items):
            var out: [CQLValue] = []
            for item in items { out.append(try evaluator.required(item, as: column.dataType, for: column.name)) }
            return out
        default:
            guard case .list(let items) = try evaluator.required(term, as: .list(column.dataType), for: "in(\(column.name))") else { return [] }
            return items
        }
    }

    init(table: TableSchema, relations: [Relation], evaluator: TermEvaluator, allowFiltering: Bool) throws(QueryError) {
        var equalities: [String: [CQLValue]] = [:]
        var ranges: [String: [(RelationOperator, CQLValue)]] = [:]
        var needsFiltering = false
        var multiColumnStart: String?
        let index = Dictionary(uniqueKeysWithValues: table.columns.enumerated().map { ($1.name, $0) })
        for relation in relations {
            switch relation.subject {
            case .column(let name):
                guard let column = table.column(named: name), let position = index[name] else {
                    throw .invalid("Undefined column name \(name)")
                }
                var operands: [CQLValue]
                switch relation.op {
                case .in:
                    operands = try Self.inValues(relation.value, column: column, evaluator: evaluator)
                    equalities[name] = operands
                case .contains:
                    guard case .set(let e) = column.dataType.unfrozenCollection ?? .blob else {
                        let element: CQLDataType
                        switch column.dataType {
                        case .list(let e): element = e
                        case .map(_, let v): element = v
                        default: throw .invalid("Cannot use CONTAINS on non-collection column \(name)")
                        }
                        operands = [try evaluator.required(relation.value, as: element, for: name)]
                        needsFiltering = true
                        predicates.append(Predicate(columns: [position], op: relation.op, operands: operands, types: [element]))
                        continue
                    }
                    operands = [try evaluator.required(relation.value, as: e, for: name)]
                    needsFiltering = true
                    predicates.append(Predicate(columns: [position], op: relation.op, operands: operands, types: [e]))
                    continue
                case .containsKey:
                    guard case .map(let k, _) = column.dataType else { throw .invalid("Cannot use CONTAINS KEY on non-map column \(name)") }
                    operands = [try evaluator.required(relation.value, as: k, for: name)]
                    needsFiltering = true
                    predicates.append(Predicate(columns: [position], op: relation.op, operands: operands, types: [k]))
                    continue
                case .notEqual:
                    throw .invalid("Unsupported \"!=\" relation: \(relation)")
                case .equal:
                    operands = [try evaluator.required(relation.value, as: column.dataType, for: name)]
                    equalities[name] = operands
                default:
                    operands = [try evaluator.required(relation.value, as: column.dataType, for: name)]
                    ranges[name, default: []].append((relation.op, operands[0]))
                }
                if !column.isPrimaryKey { needsFiltering = true }
                predicates.append(Predicate(columns: [position], op: relation.op, operands: operands, types: [column.dataType]))
            case .columns(let names):
                var positions: [Int] = []
                var types: [CQLDataType] = []
                for name in names {
                    guard let column = table.column(named: name), column.kind == .clustering else {
                        throw .invalid("Multi-column relations can only be applied to clustering columns but was applied to: \(name)")
                    }
                    positions.append(index[name]!)
                    types.append(column.dataType)
                }
                multiColumnStart = multiColumnStart ?? names.first
                restrictsClustering = true
                let tupleType = CQLDataType.tuple(types)
                var candidates: [CQLValue] = []
                if relation.op == .in {
                    if case .list(let items) = relation.value {
                        for item in items { candidates.append(try evaluator.required(item, as: tupleType, for: "(\(names.joined(separator: ",")))")) }
                    } else if case .list(let items) = try evaluator.required(relation.value, as: .list(tupleType), for: "in(\(names.joined(separator: ",")))") {
                        candidates = items
                    }
                } else {
                    candidates = [try evaluator.required(relation.value, as: tupleType, for: "(\(names.joined(separator: ",")))")]
                }
                predicates.append(Predicate(columns: positions, op: relation.op, operands: candidates, types: types))
            case .token(let names):
                guard names == table.partitionKey.map(\.name) else {
                    throw .invalid("The token() function must be applied to all partition key components or none of them")
                }
                guard case .bigint(let token) = try evaluator.required(relation.value, as: .bigint, for: "partition key token") else { continue }
                switch relation.op {
                case .greater: tokenStart = (token, false)
                case .greaterOrEqual: tokenStart = (token, true)
                case .less: tokenEnd = (token, false)
                case .lessOrEqual: tokenEnd = (token, true)
                case .equal: tokenStart = (token, true); tokenEnd = (token, true)
                default: throw .invalid("Unsupported operator on token()")
                }
            case .element:
                throw .invalid("Map-entry equality predicates on frozen map column are not supported")
            }
        }
        // Partition key: all `=`/`IN` → point reads; partial restrictions need filtering.
        let keyColumns = table.partitionKey
        let keyRestricted = keyColumns.filter { equalities[$0.name] != nil }
        if keyRestricted.count == keyColumns.count && ranges.keys.allSatisfy({ n in !keyColumns.contains { $0.name == n } }) {
            var combos: [[[UInt8]]] = [[]]
            for column in keyColumns {
                var serialized: [[UInt8]] = []
                for value in equalities[column.name]! {
                    do { serialized.append(try value.serialize(as: column.dataType) ?? []) } catch { throw .invalid("Invalid value for \(column.name)") }
                }
                combos = combos.flatMap { prefix in serialized.map { prefix + [$0] } }
            }
            var seen: Set<[UInt8]> = []
            partitionKeys = combos.map { PartitionKeyEncoding.encode($0) }.filter { seen.insert($0).inserted }.map(PartitionKey.init)
        } else if !keyRestricted.isEmpty || keyColumns.contains(where: { ranges[$0.name] != nil }) {
            needsFiltering = true
        }
        // Clustering: an `=`/`IN` prefix then at most one ranged column (or one multi-column relation).
        var prefixes: [[CQLValue]] = [[]]
        var sliceColumns: [ColumnSchema] = []
        var rangeColumn: ColumnSchema?
        var seenGap = false
        for column in table.clusteringColumns {
            let eq = equalities[column.name]
            let range = ranges[column.name]
            if eq != nil || range != nil || multiColumnStart == column.name { restrictsClustering = true }
            if seenGap {
                if eq != nil || range != nil { needsFiltering = true }
                continue
            }
            if let eq {
                prefixes = prefixes.flatMap { p in eq.map { p + [$0] } }
                sliceColumns.append(column)
            } else {
                if range != nil { rangeColumn = column } else if multiColumnStart != nil && multiColumnStart != column.name { needsFiltering = true }
                seenGap = true
            }
        }
        if restrictsClustering && partitionKeys == nil { needsFiltering = true }
        if needsFiltering && !allowFiltering { throw QueryError.filteringRequired }
        guard restrictsClustering, prefixes.count <= 1024 else { return }
        var slices: [ClusteringSlice] = []
        do {
            for prefix in prefixes {
                let base = try ClusteringEncoding.encode(prefix, columns: sliceColumns)
                var start = ClusteringBound(prefix: base, inclusive: true)
                var end = ClusteringBound(prefix: base, inclusive: true)
                if let rangeColumn, let bounds = ranges[rangeColumn.name] {
                    for (op, value) in bounds {
                        let bound = base + (try ClusteringEncoding.encode([value], columns: [rangeColumn]))
                        let lower = (op == .greater || op == .greaterOrEqual) != rangeColumn.descending
                        let inclusive = op == .greaterOrEqual || op == .lessOrEqual
                        if lower { start = ClusteringBound(prefix: bound, inclusive: inclusive) }
                        else { end = ClusteringBound(prefix: bound, inclusive: inclusive) }
                    }
                }
                slices.append(ClusteringSlice(start: start, end: end))
            }
        } catch { return }
        self.slices = slices.sorted { compareBytes($0.start.prefix, $1.start.prefix) < 0 }
    }

    /// True when `row` satisfies every predicate.
    func matches(_ row: LogicalRow) -> Bool {
        predicates.allSatisfy { predicate in
            let values = predicate.columns.map { row.values[$0] }
            switch predicate.op {
            case .contains:
                switch values[0] {
                case .list(let items), .set(let items): return items.contains(predicate.operands[0])
                case .map(let entries): return entries.contains { $0.value == predicate.operands[0] }
                default: return false
                }
            case .containsKey:
                guard case .map(let entries) = values[0] else { return false }
                return entries.contains { $0.key == predicate.operands[0] }
            case .equal, .in:
                return predicate.operands.contains { operand in
                    compare(values, operand, predicate.types) == 0
                }
            default:
                guard let operand = predicate.operands.first, let order = compare(values, operand, predicate.types) else { return false }
                switch predicate.op {
                case .less: return order < 0
                case .lessOrEqual: return order <= 0
                case .greater: return order > 0
                case .greaterOrEqual: return order >= 0
                default: return false
                }
            }
        }
    }

    /// Compares a row's values with an operand (a tuple for multi-column relations) in type order.
    private func compare(_ values: [CQLValue], _ operand: CQLValue, _ types: [CQLDataType]) -> Int? {
        let operands: [CQLValue] = if types.count > 1, case .tuple(let items) = operand { items } else { [operand] }
        for (index, type) in types.enumerated() where index < operands.count {
            if case .null = values[index] { return nil }
            guard let a = try? ClusteringEncoding.sortKey(values[index], as: type),
                  let b = try? ClusteringEncoding.sortKey(operands[index], as: type) else {
                return values[index] == operands[index] ? 0 : nil
            }
            let order = compareBytes(a, b)
            if order != 0 { return order }
        }
        return 0
    }
}

extension CQLDataType {
    var unfrozenCollection: CQLDataType? {
        switch self {
        case .set, .list, .map: self
        default: nil
        }
    }
}
