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
    /// The most `=`/`IN` clustering prefixes read as separate slices.
    static let maximumPrefixes = 1024
    /// A partition key column has `IN`: with ORDER BY, rows of several partitions are sorted together.
    var partitionKeyHasIn = false
    /// Columns restricted to one value (`c = 1`, `c IN (1)`), which GROUP BY may leave out.
    var singleValueColumns: Set<String> = []

    struct Predicate {
        var columns: [Int]
        var op: RelationOperator
        var operands: [CQLValue]
        var types: [CQLDataType]
        /// Operands are tuples, one element per column (multi-column relations, even `(b) < (3)`).
        var isTuple = false
        /// `m[key] = value`: the operand is compared with the map's value at this key.
        var mapKey: CQLValue?
    }

    /// `(b, c) op (...)` with its candidate tuples (one, or several for IN), elements in column order.
    private struct MultiColumnRelation {
        var names: [String]
        var op: RelationOperator
        var tuples: [[CQLValue]]
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
        try RelationConflicts.refuse(relations, partitionKey: table.partitionKey.map(\.name))
        var equalities: [String: [CQLValue]] = [:]
        var ranges: [String: [(RelationOperator, CQLValue)]] = [:]
        var needsFiltering = false
        var inColumns: Set<String> = []
        var multiColumn: [MultiColumnRelation] = []
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
                    inColumns.insert(name)
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
                    try Self.refuseDurationSlice(on: column)
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
                for candidate in candidates {
                    let items = candidate.tupleItems
                    guard items.count == names.count else {
                        throw .invalid("Expected \(names.count) elements in value tuple, but got \(items.count): \(relation.value)")
                    }
                    if let i = items.firstIndex(of: .null) { throw .invalid("Invalid null value in condition for column \(names[i])") }
                }
                guard relation.op != .notEqual else { throw .invalid("Unsupported \"!=\" relation: \(relation)") }
                multiColumn.append(MultiColumnRelation(names: names, op: relation.op, tuples: candidates.map(\.tupleItems)))
                predicates.append(Predicate(columns: positions, op: relation.op, operands: candidates, types: types,
                                            isTuple: true))
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
            case .element(let name, let keyTerm):
                guard let column = table.column(named: name), let position = index[name] else {
                    throw .invalid("Undefined column name \(name)")
                }
                let (key, value, valueType) = try Self.mapEntry(relation, key: keyTerm, column: column, evaluator: evaluator)
                needsFiltering = true
                predicates.append(Predicate(columns: [position], op: .equal, operands: [value], types: [valueType], mapKey: key))
            }
        }
        singleValueColumns = Set(equalities.filter { $0.value.count == 1 }.keys)
        // Partition key: all `=`/`IN` → point reads; partial restrictions need filtering.
        let keyColumns = table.partitionKey
        let keyRestricted = keyColumns.filter { equalities[$0.name] != nil }
        partitionKeyHasIn = keyColumns.contains { inColumns.contains($0.name) }
        if keyRestricted.count == keyColumns.count && ranges.keys.allSatisfy({ n in !keyColumns.contains { $0.name == n } }) {
            partitionKeys = try Self.partitionKeys(keyColumns.map { equalities[$0.name]! }, columns: keyColumns)
            for key in partitionKeys! { try KeyLimits.checkPartitionKey(key.bytes) }
        } else if !keyRestricted.isEmpty || keyColumns.contains(where: { ranges[$0.name] != nil }) {
            needsFiltering = true
        }
        // Clustering: `=`/`IN` on the leading columns (single or multi-column), then value bounds on
        // the columns right after them are read as slices; restrictions further on are only filtered.
        let clustering = table.clusteringColumns
        var prefixes: [[UInt8]] = [[]]
        var bounds: [ClusteringSlices.Bound] = []
        var sliced: Set<String> = []
        var usedMultiColumn: Set<Int> = []
        var position = 0
        var encodable = true
        do {
            while position < clustering.count {
                let column = clustering[position]
                if let values = equalities[column.name] {
                    prefixes = Self.extend(prefixes, try values.map { try ClusteringEncoding.encode([$0], columns: [column]) })
                    sliced.insert(column.name)
                    position += 1
                    continue
                }
                // Multi-column relations on the consecutive columns starting here.
                let starting = multiColumn.indices.filter { i in
                    let names = multiColumn[i].names
                    return position + names.count <= clustering.count
                        && clustering[position..<position + names.count].map(\.name) == names
                }
                if let i = starting.first(where: { multiColumn[$0].op == .equal || multiColumn[$0].op == .in }) {
                    let columns = Array(clustering[position..<position + multiColumn[i].names.count])
                    prefixes = Self.extend(prefixes, try multiColumn[i].tuples.map { try ClusteringEncoding.encode($0, columns: columns) })
                    usedMultiColumn.insert(i)
                    position += columns.count
                    continue
                }
                for (op, value) in ranges[column.name] ?? [] {
                    bounds.append(ClusteringSlices.Bound(op, [value]))
                    sliced.insert(column.name)
                }
                for i in starting {
                    for tuple in multiColumn[i].tuples { bounds.append(ClusteringSlices.Bound(multiColumn[i].op, tuple)) }
                    usedMultiColumn.insert(i)
                }
                break
            }
        } catch {
            encodable = false
        }
        if multiColumn.indices.contains(where: { !usedMultiColumn.contains($0) })
            || clustering.contains(where: { (equalities[$0.name] != nil || ranges[$0.name] != nil) && !sliced.contains($0.name) }) {
            needsFiltering = true
        }
        if clustering.contains(where: { equalities[$0.name] != nil || ranges[$0.name] != nil }) { restrictsClustering = true }
        if restrictsClustering && partitionKeys == nil { needsFiltering = true }
        if needsFiltering && !allowFiltering { throw QueryError.filteringRequired }
        // Past the cap every row is read and the predicates decide (a DELETE refuses that instead).
        guard restrictsClustering, encodable, prefixes.count <= Self.maximumPrefixes else { return }
        do {
            slices = try ClusteringSlices.slices(prefixes: prefixes, columns: clustering[position...], bounds: bounds)
        } catch { return }
    }

    /// The key and value of `m[key] = value`, with Cassandra's refusals: only on non-frozen maps (a
    /// list has no entries to match by key), and only with `=`.
    private static func mapEntry(_ relation: Relation, key: Term, column: ColumnSchema,
                                 evaluator: TermEvaluator) throws(QueryError) -> (CQLValue, CQLValue, CQLDataType) {
        let name = column.name
        if case .list = column.dataType {
            throw .invalid("Indexes on list entries (\(name)[index] = value) are not supported.")
        }
        guard case .map(let keyType, let valueType) = column.dataType else { throw .invalid("Column \(name) cannot be used as a map") }
        guard column.isMultiCell else {
            throw .invalid("Map-entry equality predicates on frozen map column \(name) are not supported")
        }
        guard relation.op == .equal else { throw .invalid("Only EQ relations are supported on map entries") }
        // Named as Cassandra names the receivers of an entry, in messages such as "Invalid INTEGER constant".
        return (try evaluator.required(key, as: keyType, for: "key(\(name))"),
                try evaluator.required(relation.value, as: valueType, for: "value(\(name))"), valueType)
    }

    /// Durations have no order (a month is not a fixed number of days), so Cassandra refuses `<`, `>`
    /// and their kin on them, naming what holds the duration.
    private static func refuseDurationSlice(on column: ColumnSchema) throws(QueryError) {
        guard column.type.referencesDuration else { return }
        switch column.dataType {
        case .list, .set, .map: throw .invalid("Slice restrictions are not supported on collections containing durations")
        case .tuple: throw .invalid("Slice restrictions are not supported on tuples containing durations")
        default: throw .invalid("Slice restrictions are not supported on duration columns")
        }
    }

    /// Distinct keys in the order of their values (component by component, each in its type's order),
    /// which is the order Cassandra reads the partitions of an `IN`, whatever order the values were given in.
    private static func partitionKeys(_ candidates: [[CQLValue]], columns: [ColumnSchema]) throws(QueryError) -> [PartitionKey] {
        var combos: [(components: [[UInt8]], order: [UInt8])] = [([], [])]
        for (column, values) in zip(columns, candidates) {
            var encoded: [(bytes: [UInt8], order: [UInt8])] = []
            for value in values {
                let bytes: [UInt8]
                do { bytes = try value.serialize(as: column.dataType) ?? [] } catch { throw .invalid("Invalid value for \(column.name)") }
                encoded.append((bytes, (try? ClusteringEncoding.sortKey(value, as: column.dataType)) ?? bytes))
            }
            combos = combos.flatMap { combo in encoded.map { (combo.components + [$0.bytes], combo.order + $0.order) } }
        }
        var seen: Set<[UInt8]> = []
        return combos.sorted { compareBytes($0.order, $1.order) < 0 }
            .map { PartitionKeyEncoding.encode($0.components) }.filter { seen.insert($0).inserted }.map(PartitionKey.init)
    }

    /// Every prefix followed by every distinct candidate: an `IN` naming a value twice reads it once.
    private static func extend(_ prefixes: [[UInt8]], _ candidates: [[UInt8]]) -> [[UInt8]] {
        var seen: Set<[UInt8]> = []
        let distinct = candidates.filter { seen.insert($0).inserted }
        return prefixes.flatMap { prefix in distinct.map { prefix + $0 } }
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
            case .equal where predicate.mapKey != nil:
                guard case .map(let entries) = values[0], let entry = entries.first(where: { $0.key == predicate.mapKey }) else {
                    return false
                }
                return compare([entry.value], predicate.operands[0], predicate) == 0
            case .equal, .in:
                return predicate.operands.contains { operand in
                    compare(values, operand, predicate) == 0
                }
            default:
                guard let operand = predicate.operands.first, let order = compare(values, operand, predicate) else { return false }
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
    private func compare(_ values: [CQLValue], _ operand: CQLValue, _ predicate: Predicate) -> Int? {
        let operands = predicate.isTuple ? operand.tupleItems : [operand]
        for (index, type) in predicate.types.enumerated() where index < operands.count {
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

extension ClusteringSlices.Bound {
    init(_ op: RelationOperator, _ values: [CQLValue]) {
        self.init(values: values, isLower: op == .greater || op == .greaterOrEqual,
                  inclusive: op == .greaterOrEqual || op == .lessOrEqual)
    }
}

private extension CQLValue {
    var tupleItems: [CQLValue] { if case .tuple(let items) = self { items } else { [self] } }
}

extension CQLDataType {
    var unfrozenCollection: CQLDataType? {
        switch self {
        case .set, .list, .map: self
        default: nil
        }
    }
}
