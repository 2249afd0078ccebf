import BasaltCore
import BasaltCQL
import BasaltCQLProtocol

/// One selector compiled against a table: what it reads from a row and how it computes its value.
/// Aggregates are numbered; their values over a group come in from outside (`ResultSelection`).
indirect enum SelectorNode {
    case column(Int)
    /// `writetime`, `ttl`, `maxwritetime` or `minwritetime` of the column at this position.
    case cellMetadata(Int, CellMetadata, multiCell: Bool)
    case token
    case constant(CQLValue)
    case scalar(NativeFunction, [SelectorNode])
    case aggregate(Int)
    case cast(SelectorNode, from: CQLDataType, to: CQLDataType)
    case operation(ArithmeticOperator, SelectorNode, SelectorNode, types: (left: CQLDataType, right: CQLDataType, result: CQLDataType))
    case negation(SelectorNode)
    case element(SelectorNode, key: CQLValue, type: CQLDataType)
    case slice(SelectorNode, from: CQLValue?, to: CQLValue?, type: CQLDataType)

    /// The value for `row` (nil: a group without rows, whose plain columns are null), given the
    /// values of the selection's aggregates.
    func evaluate(_ row: LogicalRow?, aggregates: [CQLValue], context: FunctionContext) throws(QueryError) -> CQLValue {
        switch self {
        case .column(let i): return row?.values[i] ?? .null
        case .cellMetadata(let i, let kind, let multiCell):
            guard let row else { return .null }
            return multiCell ? Self.elementMetadata(row.elementWritetimes[i] ?? [], kind) : Self.cellMetadata(row, i, kind)
        case .token: return row.map { .bigint(PartitionKey($0.partitionKey).token) } ?? .null
        case .constant(let value): return value
        case .aggregate(let i): return aggregates[i]
        case .scalar(let function, let arguments):
            var values: [CQLValue] = []
            for argument in arguments { values.append(try argument.evaluate(row, aggregates: aggregates, context: context)) }
            return try function.call(values, context)
        case .cast(let inner, let from, let to):
            return try Cast.convert(try inner.evaluate(row, aggregates: aggregates, context: context), to: to, from: from)
        case .operation(let op, let left, let right, let types):
            let l = try left.evaluate(row, aggregates: aggregates, context: context)
            let r = try right.evaluate(row, aggregates: aggregates, context: context)
            return try Arithmetic.apply(op, l, r, leftType: types.left, rightType: types.right, resultType: types.result)
        case .negation(let inner):
            return Arithmetic.negate(try inner.evaluate(row, aggregates: aggregates, context: context))
        case .element(let collection, let key, let type):
            return Self.element(try collection.evaluate(row, aggregates: aggregates, context: context), key: key, type: type)
        case .slice(let collection, let from, let to, let type):
            return Self.slice(try collection.evaluate(row, aggregates: aggregates, context: context), from: from, to: to, type: type)
        }
    }

    private static func cellMetadata(_ row: LogicalRow, _ i: Int, _ kind: CellMetadata) -> CQLValue {
        switch kind {
        case .ttl: row.ttls[i].map { .int($0) } ?? .null
        case .writetime, .maxWritetime, .minWritetime: row.writetimes[i].map { .bigint($0) } ?? .null
        }
    }

    /// Of a non-frozen collection, as Cassandra 5: a list with each element's write time, in the
    /// collection's order, or the latest or earliest of them; null without elements. (`ttl` of such a
    /// collection is refused when the selection is compiled.)
    private static func elementMetadata(_ writetimes: [Int64], _ kind: CellMetadata) -> CQLValue {
        guard !writetimes.isEmpty else { return .null }
        switch kind {
        case .writetime: return .list(writetimes.map { .bigint($0) })
        case .maxWritetime: return .bigint(writetimes.max()!)
        case .minWritetime: return .bigint(writetimes.min()!)
        case .ttl: return .null
        }
    }

    /// `m[k]` is the value at key k, `s[x]` is x if the set holds it; null otherwise.
    private static func element(_ collection: CQLValue, key: CQLValue, type: CQLDataType) -> CQLValue {
        let wanted = order(key, keyType(type))
        switch collection {
        case .map(let entries): return entries.first { order($0.key, keyType(type)) == wanted }?.value ?? .null
        case .set(let items): return items.first { order($0, keyType(type)) == wanted } ?? .null
        default: return .null
        }
    }

    /// The elements with keys between `from` and `to`, both inclusive, in the collection's order; an
    /// empty result is null, as a collection without elements is.
    private static func slice(_ collection: CQLValue, from: CQLValue?, to: CQLValue?, type: CQLDataType) -> CQLValue {
        let keys = keyType(type)
        let low = from.map { order($0, keys) }
        let high = to.map { order($0, keys) }
        func inside(_ key: CQLValue) -> Bool {
            let position = order(key, keys)
            if let low, compareBytes(position, low) < 0 { return false }
            if let high, compareBytes(position, high) > 0 { return false }
            return true
        }
        switch collection {
        case .map(let entries):
            let kept = entries.filter { inside($0.key) }
            return kept.isEmpty ? .null : .map(kept)
        case .set(let items):
            let kept = items.filter(inside)
            return kept.isEmpty ? .null : .set(kept)
        default: return .null
        }
    }

    enum CellMetadata { case writetime, ttl, maxWritetime, minWritetime }

    private static func keyType(_ type: CQLDataType) -> CQLDataType {
        switch type {
        case .map(let key, _): key
        case .set(let element): element
        default: type
        }
    }

    private static func order(_ value: CQLValue, _ type: CQLDataType) -> [UInt8] {
        (try? ClusteringEncoding.sortKey(value, as: type)) ?? []
    }
}
