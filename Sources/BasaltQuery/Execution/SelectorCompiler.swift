import BasaltCQL
import BasaltCQLProtocol

/// Compiles selector expressions against a table: resolves columns, functions and operators, types
/// every node, names the result column as Cassandra does (`system.blobasbigint(b)`, `count`,
/// `writetime(v)`, `cast(v as int)`, `a + b`) and collects the aggregates the selection computes.
struct SelectorCompiler {
    let table: TableSchema
    let evaluator: TermEvaluator
    private(set) var aggregates: [(function: AggregateFunction, argument: SelectorNode?)] = []
    /// The type each bind marker of the select list was given, by marker index, for PREPARE.
    private(set) var markerTypes: [Int: CQLDataType] = [:]
    private let index: [String: Int]

    init(table: TableSchema, evaluator: TermEvaluator) {
        self.table = table
        self.evaluator = evaluator
        index = Dictionary(uniqueKeysWithValues: table.columns.enumerated().map { ($1.name, $0) })
    }

    struct Compiled {
        var node: SelectorNode
        var type: CQLDataType
        var name: String
        /// Whether an aggregate is inside (an aggregate's argument must not hold one).
        var aggregates: Bool = false
    }

    /// `expected` types a literal (a function parameter); without one a literal gets the type
    /// Cassandra infers for it.
    mutating func compile(_ expression: SelectorExpression, expected: CQLDataType? = nil) throws(QueryError) -> Compiled {
        switch expression {
        case .column(let name):
            let position = try column(name)
            return Compiled(node: .column(position), type: table.columns[position].dataType, name: name)
        case .countRows:
            aggregates.append((AggregateFunction(kind: .count, argumentType: .bigint), nil))
            return Compiled(node: .aggregate(aggregates.count - 1), type: .bigint, name: "count", aggregates: true)
        case .writetime(let name):
            return try cellMetadata(.writetime, name)
        case .ttl(let name):
            return try cellMetadata(.ttl, name)
        case .literal(let term):
            guard let type = expected ?? Self.inferredType(term) else {
                throw .invalid("Cannot infer type for term \(term) in selection clause (try using a cast to force a type)")
            }
            if case .bindMarker(let marker) = term { markerTypes[marker.index] = type }
            return Compiled(node: .constant(try bound(term, as: type, for: term.description, required: false)), type: type,
                            name: term.description)
        case .function(let name, let arguments):
            return try function(name, arguments)
        case .cast(let inner, let target):
            let compiled = try compile(inner)
            let type = target.dataType
            guard Cast.isSupported(from: compiled.type, to: type) else {
                throw .invalid("\(compiled.name) cannot be cast to \(target.rawValue)")
            }
            return Compiled(node: .cast(compiled.node, from: compiled.type, to: type), type: type,
                            name: "cast(\(compiled.name) as \(target.rawValue))", aggregates: compiled.aggregates)
        case .operation(let op, let leftExpression, let rightExpression):
            return try operation(op, leftExpression, rightExpression)
        case .negation(let inner):
            let compiled = try compile(inner)
            guard Number.isNumeric(compiled.type) else {
                throw .invalid("the operation '-\(compiled.type)' is not supported: \(compiled.name) is not a number")
            }
            let name = if case .operation = inner { "-(\(compiled.name))" } else { "-\(compiled.name)" }
            return Compiled(node: .negation(compiled.node), type: compiled.type == .counter ? .bigint : compiled.type,
                            name: name, aggregates: compiled.aggregates)
        case .element(let collection, let key):
            let compiled = try compile(collection)
            let keyType = try subSelectionKeyType(compiled)
            let keyValue = try bound(key, as: keyType, for: compiled.name, required: true)
            let resultType: CQLDataType = if case .map(_, let value) = compiled.type { value } else { keyType }
            return Compiled(node: .element(compiled.node, key: keyValue, type: compiled.type), type: resultType,
                            name: "\(compiled.name)[\(key)]", aggregates: compiled.aggregates)
        case .slice(let collection, let from, let to):
            let compiled = try compile(collection)
            let keyType = try subSelectionKeyType(compiled)
            var bounds: [CQLValue?] = []
            for bound in [from, to] {
                if let term = bound { bounds.append(try self.bound(term, as: keyType, for: compiled.name, required: true)) } else { bounds.append(nil) }
            }
            return Compiled(node: .slice(compiled.node, from: bounds[0], to: bounds[1], type: compiled.type), type: compiled.type,
                            name: "\(compiled.name)[\(from.map(\.description) ?? "")..\(to.map(\.description) ?? "")]",
                            aggregates: compiled.aggregates)
        }
    }

    /// `writetime(c)`, `ttl(c)`, `maxwritetime(c)`, `minwritetime(c)`: of a non-frozen collection, per
    /// element (a list) or the latest or earliest, as Cassandra 5; never of a key column.
    private func cellMetadata(_ kind: SelectorNode.CellMetadata, _ name: String) throws(QueryError) -> Compiled {
        let position = try column(name)
        let column = table.columns[position]
        let function = switch kind {
        case .writetime: "writeTime"
        case .ttl: "ttl"
        case .maxWritetime: "maxwritetime"
        case .minWritetime: "minwritetime"
        }
        guard !column.isPrimaryKey else { throw .invalid("Cannot use selection function \(function) on PRIMARY KEY part \(name)") }
        // Cassandra 5 answers a list holding a null for each element without TTL, which the Python
        // driver's decoder rejects (it drops the connection), so this stays refused as in Cassandra 4.
        if kind == .ttl && column.isMultiCell {
            throw .invalid("Cannot use selection function ttl on non-frozen collection \(name)")
        }
        let scalar: CQLDataType = kind == .ttl ? .int : .bigint
        let multiCell = column.isMultiCell
        let type: CQLDataType = multiCell && kind == .writetime ? .list(scalar) : scalar
        return Compiled(node: .cellMetadata(position, kind, multiCell: multiCell), type: type,
                        name: "\(function.lowercased())(\(name))")
    }

    private func column(_ name: String) throws(QueryError) -> Int {
        guard let position = index[name] else { throw .invalid("Undefined column name \(name) in selection clause") }
        return position
    }

    /// A constant, a function argument, a key of `m[k]` or a slice bound (`required` ones may not be
    /// null). Preparing compiles the selection for its result types only, before any value is bound,
    /// so a marker's value is not needed then.
    private func bound(_ term: Term, as type: CQLDataType, for name: String, required: Bool) throws(QueryError) -> CQLValue {
        if case .bindMarker = term, evaluator.bound.values == nil { return .null }
        if required { return try evaluator.required(term, as: type, for: name) }
        return try evaluator.literal(term, as: type, for: name)
    }

    /// Element and slice selection is on maps and sets only, as in Cassandra 4.
    private func subSelectionKeyType(_ compiled: Compiled) throws(QueryError) -> CQLDataType {
        switch compiled.type {
        case .map(let key, _): return key
        case .set(let element): return element
        case .list: throw .invalid("Element selection is only allowed on sets and maps, but \(compiled.name) is a list")
        default: throw .invalid("Invalid element selection: \(compiled.name) is of type \(compiled.type) is not a collection")
        }
    }

    private mutating func function(_ name: QualifiedName, _ arguments: [SelectorExpression]) throws(QueryError) -> Compiled {
        let isSystem = name.keyspace == nil || name.keyspace == "system"
        if isSystem && name.name == "token" {
            let columns = arguments.compactMap { argument -> String? in
                if case .column(let c) = argument { return c } else { return nil }
            }
            guard columns.count == arguments.count, columns == table.partitionKey.map(\.name) else {
                throw .invalid("Invalid number of arguments in call to function system.token: "
                    + "\(table.partitionKey.count) required but \(arguments.count) provided")
            }
            return Compiled(node: .token, type: .bigint, name: "system.token(\(columns.joined(separator: ", ")))")
        }
        if isSystem, name.name == "maxwritetime" || name.name == "minwritetime" {
            guard arguments.count == 1, case .column(let column) = arguments[0] else {
                throw .invalid("Invalid arguments in call to function system.\(name.name): a column name is required")
            }
            return try cellMetadata(name.name == "maxwritetime" ? .maxWritetime : .minWritetime, column)
        }
        if isSystem, arguments.count == 1, AggregateFunction.Kind(rawValue: name.name) != nil {
            let argument = try compile(arguments[0])
            guard !argument.aggregates else {
                throw .invalid("aggregate functions cannot be used as arguments of aggregate functions")
            }
            let function = try AggregateFunction.resolve(name.name, argumentType: argument.type, display: argument.name)!
            aggregates.append((function, argument.node))
            return Compiled(node: .aggregate(aggregates.count - 1), type: function.returnType,
                            name: "system.\(name.name)(\(argument.name))", aggregates: true)
        }
        let candidates = FunctionRegistry.overloads(name)
        guard !candidates.isEmpty else {
            if isSystem, AggregateFunction.Kind(rawValue: name.name) != nil {
                throw .invalid("Invalid number of arguments in call to function system.\(name.name): 1 required but \(arguments.count) provided")
            }
            throw .invalid("Unknown function '\(name)'")
        }
        // Arguments other than literals are typed on their own; literals take the chosen parameter's type.
        var shapes: [FunctionArgument] = []
        var compiled: [Compiled?] = []
        for argument in arguments {
            if case .literal(let term) = argument {
                if case .bindMarker = term { shapes.append(.marker) } else { shapes.append(term == .null ? .marker : .literal(term)) }
                compiled.append(nil)
            } else {
                let argumentCompiled = try compile(argument)
                shapes.append(.typed(argumentCompiled.type))
                compiled.append(argumentCompiled)
            }
        }
        let function = try FunctionRegistry.resolve(candidates, shapes) { arguments[$0].description }
        var nodes: [SelectorNode] = []
        var names: [String] = []
        var hasAggregates = false
        for (position, argument) in arguments.enumerated() {
            let done: Compiled
            if let already = compiled[position] { done = already } else {
                done = try compile(argument, expected: function.argumentTypes[position])
            }
            nodes.append(done.node)
            names.append(done.name)
            hasAggregates = hasAggregates || done.aggregates
        }
        return Compiled(node: .scalar(function, nodes), type: function.returnType,
                        name: "\(function.qualifiedName)(\(names.joined(separator: ", ")))", aggregates: hasAggregates)
    }

    private mutating func operation(_ op: ArithmeticOperator, _ leftExpression: SelectorExpression,
                                    _ rightExpression: SelectorExpression) throws(QueryError) -> Compiled {
        // A marker operand takes the other operand's type, or duration beside a timestamp or date.
        func isMarker(_ expression: SelectorExpression) -> Bool {
            if case .literal(.bindMarker) = expression { true } else { false }
        }
        func markerType(besides other: Compiled) -> CQLDataType? {
            if Number.isNumeric(other.type) { return other.type == .counter ? .bigint : other.type }
            return (other.type == .timestamp || other.type == .date) && (op == .add || op == .subtract) ? .duration : nil
        }
        let left: Compiled
        let right: Compiled
        if isMarker(leftExpression) && !isMarker(rightExpression) {
            right = try compile(rightExpression)
            left = try compile(leftExpression, expected: Number.isNumeric(right.type) ? markerType(besides: right) : nil)
        } else {
            left = try compile(leftExpression)
            right = try compile(rightExpression, expected: isMarker(rightExpression) ? markerType(besides: left) : nil)
        }
        guard let type = Arithmetic.resultType(op, left.type, right.type) else {
            throw .invalid("the '\(left.type) \(op.rawValue) \(right.type)' operation is not supported between \(left.name) and \(right.name)")
        }
        func operand(_ compiled: Compiled, _ expression: SelectorExpression, isRight: Bool) -> String {
            guard case .operation(let inner, _, _) = expression else { return compiled.name }
            let wrap = inner.precedence < op.precedence || (isRight && inner.precedence == op.precedence)
            return wrap ? "(\(compiled.name))" : compiled.name
        }
        return Compiled(node: .operation(op, left.node, right.node, types: (left.type, right.type, type)), type: type,
                        name: operand(left, leftExpression, isRight: false) + " \(op.rawValue) " + operand(right, rightExpression, isRight: true),
                        aggregates: left.aggregates || right.aggregates)
    }

    /// The type Cassandra gives a literal with nothing to go by: the smallest of int, bigint and varint
    /// that holds an integer, double for a float, and the obvious type of the other constants.
    static func inferredType(_ term: Term) -> CQLDataType? {
        switch term {
        case .integer(let text): Int32(text) != nil ? .int : Int64(text) != nil ? .bigint : .varint
        case .float: .double
        case .duration: .duration
        case .string: .text
        case .boolean: .boolean
        case .uuid: .uuid
        case .blob: .blob
        default: nil
        }
    }
}
