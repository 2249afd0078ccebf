import BasaltCQL
import BasaltCQLProtocol

/// The values of a request's bind markers, looked up by marker position or `:name`.
struct BoundValues {
    var values: CQLQueryValues?

    static let none = BoundValues(values: nil)

    func raw(_ marker: BindMarker) throws(QueryError) -> CQLBoundValue {
        switch values {
        case .positional(let list)?:
            guard marker.index < list.count else {
                throw .invalid("There were \(list.count) markers(?) in CQL but \(marker.index + 1) or more bound variables")
            }
            return list[marker.index]
        case .named(let list)?:
            let name = marker.name ?? BindMetadata.name(of: marker)
            guard let value = list.first(where: { $0.name == name }) else {
                throw .invalid("No value has been provided for bind variable \(name)")
            }
            return value.value
        case nil:
            throw .invalid("Query has bind markers but no values were provided")
        }
    }
}

/// A term's value once bound, or "unset" (v4 `-2`): leave the column untouched.
enum BoundTerm {
    case value(CQLValue)
    case unset
}

/// Turns AST terms (literals, collections, markers, `now()`…) into typed values, with Cassandra's
/// messages for mismatches ("Invalid STRING constant (abc) for "k" of type int").
struct TermEvaluator {
    var bound: BoundValues
    /// Microseconds, for `now()` and `currenttimestamp()`.
    var now: Int64

    func evaluate(_ term: Term, as type: CQLDataType, for name: String) throws(QueryError) -> BoundTerm {
        switch term {
        case .bindMarker(let marker):
            switch try bound.raw(marker) {
            case .unset: return .unset
            case .null: return .value(.null)
            case .bytes(let bytes):
                do { return .value(try CQLValue.deserialize(bytes: bytes, type: type).canonical(as: type)) } catch let error as CQLValueError {
                    throw .invalid(error.message)
                } catch { throw .invalid("Invalid value for \(name)") }
            }
        default:
            return .value(try literal(term, as: type, for: name))
        }
    }

    /// A value that must be present (keys, WHERE operands).
    func required(_ term: Term, as type: CQLDataType, for name: String) throws(QueryError) -> CQLValue {
        switch try evaluate(term, as: type, for: name) {
        case .unset: throw .invalid("Invalid unset value for column \(name)")
        case .value(.null): throw .invalid("Invalid null value for column \(name)")
        case .value(let value): return value
        }
    }

    func literal(_ term: Term, as type: CQLDataType, for name: String) throws(QueryError) -> CQLValue {
        switch term {
        case .null: return .null
        // Cassandra's TimestampSerializer reads 'now' as the coordinator's clock.
        case .string(let text) where type == .timestamp && text.lowercased() == "now": return .timestamp(now / 1000)
        case .string(let text): return try constant(text, .string, type, name)
        case .integer(let text): return try constant(text, .integer, type, name)
        case .float(let text): return try constant(text, .float, type, name)
        case .boolean(let value): return try constant(value ? "true" : "false", .boolean, type, name)
        case .uuid(let text): return try constant(text, .uuid, type, name)
        case .duration(let text): return try constant(text, .duration, type, name)
        case .blob(let bytes):
            guard type == .blob else { throw .invalid("Invalid HEX constant (\(term)) for \"\(name)\" of type \(type)") }
            return .blob(bytes)
        case .bindMarker:
            switch try evaluate(term, as: type, for: name) {
            case .unset: throw .invalid("Invalid unset value for \(name)")
            case .value(let value): return value
            }
        case .emptyCollection:
            switch type {
            case .set: return .set([])
            case .map: return .map([])
            case .list: return .list([])
            default: throw .invalid("Invalid set literal for \(name) of type \(type)")
            }
        case .list(let items):
            switch type {
            case .list(let elementType):
                var values: [CQLValue] = []
                for item in items { values.append(try element(item, elementType, name)) }
                return .list(values)
            case .set: return try set(items, type, name)
            case .tuple(let types): return try tuple(items, types, name)
            default: throw .invalid("Invalid list literal for \(name) of type \(type)")
            }
        case .set(let items):
            guard case .set = type else { throw .invalid("Invalid set literal for \(name) of type \(type)") }
            return try set(items, type, name)
        case .map(let entries):
            guard case .map(let keyType, let valueType) = type else {
                throw .invalid("Invalid map literal for \(name) of type \(type)")
            }
            var out: [CQLMapEntry] = []
            for entry in entries {
                out.append(CQLMapEntry(key: try element(entry.key, keyType, name), value: try element(entry.value, valueType, name)))
            }
            return CQLValue.map(out).canonical(as: type)
        case .tuple(let items):
            guard case .tuple(let types) = type else { throw .invalid("Invalid tuple literal for \(name) of type \(type)") }
            return try tuple(items, types, name)
        case .functionCall(let call):
            return try function(call, type, name)
        }
    }

    private func element(_ term: Term, _ type: CQLDataType, _ name: String) throws(QueryError) -> CQLValue {
        let value = try literal(term, as: type, for: name)
        if case .null = value { throw .invalid("null is not supported inside collections") }
        return value
    }

    private func tuple(_ items: [Term], _ types: [CQLDataType], _ name: String) throws(QueryError) -> CQLValue {
        guard items.count <= types.count else {
            throw .invalid("Invalid tuple literal for \(name): too many elements. Type \(CQLDataType.tuple(types)) expects \(types.count) but got \(items.count)")
        }
        var values: [CQLValue] = []
        for (item, type) in zip(items, types) { values.append(try literal(item, as: type, for: name)) }
        return .tuple(values)
    }

    /// Sets are ordered and unique by the element type's order, as Cassandra returns them.
    private func set(_ items: [Term], _ type: CQLDataType, _ name: String) throws(QueryError) -> CQLValue {
        guard case .set(let elementType) = type else { throw .invalid("Invalid set literal for \(name) of type \(type)") }
        var values: [CQLValue] = []
        for item in items { values.append(try element(item, elementType, name)) }
        return CQLValue.set(values).canonical(as: type)
    }

    private func constant(_ text: String, _ kind: CQLLiteralKind, _ type: CQLDataType, _ name: String) throws(QueryError) -> CQLValue {
        do {
            return try CQLValue.fromLiteral(text, kind: kind, as: type)
        } catch let error as CQLValueError {
            if error.message.hasPrefix("Invalid \(kind) constant") {
                throw .invalid("Invalid \(kind) constant (\(text)) for \"\(name)\" of type \(type)")
            }
            throw .invalid(error.message)
        } catch {
            throw .invalid("Invalid \(kind) constant (\(text)) for \"\(name)\" of type \(type)")
        }
    }

    /// A function call assigned to something of `type`: the function chosen from its arguments, the
    /// result checked against `type`, as Cassandra's "Type error: cannot assign result of function ...".
    private func function(_ call: FunctionCall, _ type: CQLDataType, _ name: String) throws(QueryError) -> CQLValue {
        let (value, function) = try evaluate(call)
        switch (function.returnType, type) {
        case let (produced, wanted) where produced == wanted: return value
        case (.timeuuid, .uuid): if case .timeuuid(let uuid) = value { return .uuid(uuid) } else { return value }
        case (.ascii, .text): if case .ascii(let text) = value { return .text(text) } else { return value }
        default:
            throw .invalid("Type error: cannot assign result of function \(function.qualifiedName) (type \(function.returnType)) "
                + "to \(name) (type \(type))")
        }
    }

    /// Evaluates a call and says which overload answered: nested calls first, then the literals and
    /// markers as the chosen overload's parameter types.
    func evaluate(_ call: FunctionCall) throws(QueryError) -> (CQLValue, NativeFunction) {
        let candidates = FunctionRegistry.overloads(call.name)
        guard !candidates.isEmpty else { throw .invalid("Unknown function \(call.name) called") }
        var shapes: [FunctionArgument] = []
        var nested: [CQLValue?] = []
        for argument in call.arguments {
            switch argument {
            case .functionCall(let inner):
                let (value, function) = try evaluate(inner)
                shapes.append(.typed(function.returnType))
                nested.append(value)
            case .bindMarker, .null:
                shapes.append(.marker)
                nested.append(nil)
            default:
                shapes.append(.literal(argument))
                nested.append(nil)
            }
        }
        let function = try FunctionRegistry.resolve(candidates, shapes) { call.arguments[$0].description }
        var values: [CQLValue] = []
        for (position, argument) in call.arguments.enumerated() {
            if let value = nested[position] { values.append(value); continue }
            values.append(try literal(argument, as: function.argumentTypes[position], for: "argument \(position) of \(function.qualifiedName)"))
        }
        return (try function.call(values, FunctionContext(now: now)), function)
    }
}
