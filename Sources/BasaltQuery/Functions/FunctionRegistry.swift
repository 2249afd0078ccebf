import BasaltCQL
import BasaltCQLProtocol

/// What is known of a function argument before the function is chosen: a typed value (a column, a
/// nested call), a literal whose type the parameter decides, or a bind marker, which takes any type.
enum FunctionArgument {
    case typed(CQLDataType)
    case literal(Term)
    case marker

    /// Whether this argument can be passed as `type`: `exact` for the same type, `weak` for a literal
    /// or marker that converts, or a type Cassandra treats as compatible (counter as bigint, ascii as
    /// text, timeuuid as uuid).
    func fit(_ type: CQLDataType) -> Fit {
        switch self {
        case .typed(let own):
            if own == type { return .exact }
            switch (own, type) {
            case (.counter, .bigint), (.ascii, .text), (.timeuuid, .uuid): return .weak
            default: return .none
            }
        case .marker: return .weak
        case .literal(let term): return FunctionArgument.accepts(term, as: type) ? .weak : .none
        }
    }

    enum Fit { case exact, weak, none }

    private static func accepts(_ term: Term, as type: CQLDataType) -> Bool {
        let evaluator = TermEvaluator(bound: .none, now: 0)
        return (try? evaluator.literal(term, as: type, for: "")) != nil
    }
}

/// Every native scalar function by name, and the choice among a name's overloads from the argument
/// types, with Cassandra's errors when none or several fit.
enum FunctionRegistry {
    static let functions: [String: [NativeFunction]] = Dictionary(
        grouping: BlobConversionFunctions.all + TimeFunctions.all + Cast.functions, by: \.name)

    /// The functions named `name` (in keyspace `system`, whether or not it is written).
    static func overloads(_ name: QualifiedName) -> [NativeFunction] {
        guard name.keyspace == nil || name.keyspace == "system" else { return [] }
        return functions[name.name] ?? []
    }

    /// The one overload of `name` the arguments fit; `display` renders argument `i` for errors. A name
    /// with no function is the caller's to report (Cassandra words it differently in selectors and terms).
    static func resolve(_ candidates: [NativeFunction], _ arguments: [FunctionArgument],
                        display: (Int) -> String) throws(QueryError) -> NativeFunction {
        let qualified = candidates[0].qualifiedName
        if candidates.count == 1 {
            let function = candidates[0]
            guard function.argumentTypes.count == arguments.count else {
                throw .invalid("Invalid number of arguments in call to function \(qualified): "
                    + "\(function.argumentTypes.count) required but \(arguments.count) provided")
            }
            for (position, (argument, type)) in zip(arguments, function.argumentTypes).enumerated() where argument.fit(type) == .none {
                throw .invalid("Type error: \(display(position)) cannot be passed as argument \(position) of function "
                    + "\(qualified) of type \(type)")
            }
            return function
        }
        let fitting = candidates.filter { $0.argumentTypes.count == arguments.count }.map { function in
            (function, zip(arguments, function.argumentTypes).map { $0.fit($1) })
        }.filter { !$0.1.contains(.none) }
        let exact = fitting.filter { $0.1.allSatisfy { $0 == .exact } }
        if exact.count == 1 { return exact[0].0 }
        if fitting.count == 1 { return fitting[0].0 }
        let listed = candidates.map(\.signature).joined(separator: ", ")
        if fitting.isEmpty {
            throw .invalid("Invalid call to function \(qualified), none of its type signatures match (known type signatures: \(listed))")
        }
        throw .invalid("Ambiguous call to function \(qualified) (can be matched by following signatures: "
            + "\(fitting.map(\.0.signature).joined(separator: ", "))): use type casts to disambiguate")
    }

    /// The type a marker takes as argument `position` of `function` called with `count` arguments,
    /// when preparing: the type every overload of that arity agrees on, as Cassandra requires.
    static func parameterType(_ name: QualifiedName, position: Int, count: Int) throws(QueryError) -> CQLDataType {
        let candidates = overloads(name)
        guard !candidates.isEmpty else { throw .invalid("Unknown function \(name) called") }
        let shapes = (0..<count).map { _ in FunctionArgument.marker }
        let function = try resolve(candidates, shapes) { _ in "?" }
        return function.argumentTypes[position]
    }
}
