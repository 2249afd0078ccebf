import BasaltCore
import BasaltCQLProtocol

/// The native aggregates `count`, `sum`, `avg`, `min` and `max`, with Cassandra's result types: count
/// is bigint; sum and avg keep the argument's type (avg of an integer type truncates, of a decimal it
/// is exact to 34 digits); min and max take any type with an order.
struct AggregateFunction {
    enum Kind: String { case count, sum, avg, min, max }

    var kind: Kind
    var argumentType: CQLDataType

    var returnType: CQLDataType { kind == .count ? .bigint : argumentType }

    /// The aggregate `name` applied to a value of `type`; nil when `name` is not an aggregate.
    /// Throws when it is one but does not apply to the type.
    static func resolve(_ name: String, argumentType type: CQLDataType, display: String) throws(QueryError) -> AggregateFunction? {
        guard let kind = Kind(rawValue: name) else { return nil }
        switch kind {
        case .count: break
        case .sum, .avg:
            guard Number.isNumeric(type) else {
                throw .invalid("Type error: \(display) cannot be passed as argument 0 of function system.\(name) of type \(type)")
            }
        case .min, .max:
            guard isOrdered(type) else {
                throw .invalid("Type error: \(display) cannot be passed as argument 0 of function system.\(name) of type \(type)")
            }
        }
        return AggregateFunction(kind: kind, argumentType: type)
    }

    /// Whether min and max can order values of `type`: what can be a clustering column.
    private static func isOrdered(_ type: CQLDataType) -> Bool {
        switch type {
        case .duration, .udt, .custom: false
        case .list(let element), .set(let element): isOrdered(element)
        case .map(let key, let value): isOrdered(key) && isOrdered(value)
        case .tuple(let elements): elements.allSatisfy(isOrdered)
        default: true
        }
    }

    func accumulator() -> Accumulator { Accumulator(function: self) }
}

/// The running state of one aggregate over one group of rows.
struct Accumulator {
    let function: AggregateFunction
    private var count: Int64 = 0
    private var integerSum: Int64 = 0
    /// Once an integer sum leaves 64 bits (only avg needs the exact sum), or for varint.
    private var wideSum: CQLVarint?
    private var decimalSum = CQLDecimal(CQLVarint(0))
    /// Kahan-compensated, as Cassandra sums float and double.
    private var floatingSum: Double = 0
    private var compensation: Double = 0
    private var extreme: (key: [UInt8], value: CQLValue)?

    init(function: AggregateFunction) { self.function = function }

    mutating func add(_ value: CQLValue) throws(QueryError) {
        guard value != .null else { return }
        count += 1
        switch function.kind {
        case .count: return
        case .min, .max:
            guard let key = try? ClusteringEncoding.sortKey(value, as: function.argumentType) else { return }
            if let current = extreme {
                let order = compareBytes(key, current.key)
                guard function.kind == .min ? order < 0 : order > 0 else { return }
            }
            extreme = (key, value)
        case .sum, .avg:
            guard let number = Number(value) else { return }
            switch number {
            case .integer(let v):
                if wideSum == nil {
                    let (sum, overflow) = integerSum.addingReportingOverflow(v)
                    if !overflow || function.kind == .sum { integerSum = overflow ? integerSum &+ v : sum; return }
                    wideSum = CQLVarint(integerSum)
                }
                wideSum = wideSum! + CQLVarint(v)
            case .float, .double:
                let y = number.doubleValue - compensation
                let t = floatingSum + y
                compensation = (t - floatingSum) - y
                floatingSum = t
            case .varint(let v): wideSum = (wideSum ?? CQLVarint(0)) + v
            case .decimal(let v):
                // As in arithmetic: aligning scales this far apart would take that many digits.
                guard abs(Int(decimalSum.scale) - Int(v.scale)) <= Number.maximumScaleGap else {
                    throw QueryError(.functionFailure(keyspace: "system", function: function.kind.rawValue, argumentTypes: ["decimal"]),
                                     "the decimals aggregated by system.\(function.kind.rawValue) have scales too far apart")
                }
                decimalSum = decimalSum + v
            }
        }
    }

    /// The aggregate's value; over no rows count, sum and avg are 0 and min and max null.
    func result() -> CQLValue {
        let type = function.argumentType
        switch function.kind {
        case .count: return .bigint(count)
        case .min, .max: return extreme?.value ?? .null
        case .sum:
            switch type {
            case .float, .double: return Number.double(floatingSum).value(as: type) ?? .null
            case .varint: return .varint(wideSum ?? CQLVarint(0))
            case .decimal: return .decimal(decimalSum)
            default: return Number.integer(integerSum).value(as: type) ?? .null
            }
        case .avg:
            guard count > 0 else { return Number.integer(0).value(as: type) ?? .null }
            switch type {
            case .float, .double: return Number.double(floatingSum / Double(count)).value(as: type) ?? .null
            case .decimal:
                return .decimal(decimalSum.divided(by: CQLDecimal(CQLVarint(count))) ?? decimalSum)
            default:
                let quotient: Number = if let wideSum {
                    .varint(wideSum.quotientAndRemainder(dividingBy: CQLVarint(count))!.quotient)
                } else {
                    .integer(integerSum / count)
                }
                return quotient.value(as: type) ?? .null
            }
        }
    }
}
