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

    private func function(_ call: FunctionCall, _ type: CQLDataType, _ name: String) throws(QueryError) -> CQLValue {
        let millis = now / 1000
        let result: CQLValue
        switch (call.name.name, call.arguments.count) {
        case ("now", 0): result = .timeuuid(TimeUUID.make(micros: now))
        case ("uuid", 0): result = .uuid(CQLUUID(bytes: UUIDBytes.random4()))
        case ("currenttimestamp", 0): result = .timestamp(millis)
        case ("currentdate", 0): result = .date(UInt32(Int64(CQLValue.dateEpoch) + millis / 86_400_000))
        case ("currenttime", 0): result = .time((millis % 86_400_000) * 1_000_000)
        case ("totimestamp", 1) where call.arguments[0] == .functionCall(FunctionCall(name: .init(name: "now"), arguments: [])):
            result = .timestamp(millis)
        default:
            throw .invalid("Unknown function \(call.name) called")
        }
        let produced: CQLDataType = switch result {
        case .timeuuid: .timeuuid
        case .uuid: .uuid
        case .date: .date
        case .time: .time
        default: .timestamp
        }
        guard produced == type else {
            throw .invalid("Type error: \(call) cannot be passed as argument 0 of function system.\(call.name.name) of type \(type)")
        }
        return result
    }
}

/// Version-1 uuids for `now()`: 100 ns intervals since 1582-10-15, clock sequence random per process.
enum TimeUUID {
    private static let node: UInt64 = UInt64.random(in: 0..<(1 << 48)) | (1 << 40)
    private static let clockSequence: UInt64 = UInt64.random(in: 0..<0x3FFF)

    static func make(micros: Int64) -> CQLUUID {
        let ticks = UInt64(bitPattern: micros &* 10 &+ 0x01B2_1DD2_1381_4000) &+ UInt64.random(in: 0..<10)
        let high = (ticks & 0xFFFF_FFFF) << 32 | ((ticks >> 32) & 0xFFFF) << 16 | 0x1000 | (ticks >> 48) & 0x0FFF
        return CQLUUID(high: high, low: (0x8000 | clockSequence) << 48 | node)
    }
}

enum UUIDBytes {
    static func random4() -> [UInt8] {
        var bytes = (0..<16).map { _ in UInt8.random(in: 0...255) }
        bytes[6] = bytes[6] & 0x0F | 0x40
        bytes[8] = bytes[8] & 0x3F | 0x80
        return bytes
    }
}

import BasaltCore
