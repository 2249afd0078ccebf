import BasaltCQL
import BasaltCQLProtocol

/// `+ - * / %` and unary `-` on numbers, and `timestamp`/`date` `±` `duration`, as Cassandra 4's
/// operators: the result type follows its promotion table, integers wrap as Java's do, integer division
/// truncates and fails on zero, float and double follow IEEE.
enum Arithmetic {
    /// The rank of each numeric type in Cassandra's table; the result is the higher rank, except
    /// that float meets bigint as double and a floating type meets varint as decimal.
    private static func rank(_ type: CQLDataType) -> Int? {
        switch type {
        case .tinyint: 0
        case .smallint: 1
        case .int: 2
        case .bigint, .counter: 3
        case .float: 4
        case .double: 5
        case .varint: 6
        case .decimal: 7
        default: nil
        }
    }

    private static let ranked: [CQLDataType] = [.tinyint, .smallint, .int, .bigint, .float, .double, .varint, .decimal]

    /// The type of `left op right`, or nil when the operator does not apply to these types.
    static func resultType(_ op: ArithmeticOperator, _ left: CQLDataType, _ right: CQLDataType) -> CQLDataType? {
        if let l = rank(left), let r = rank(right) {
            let (low, high) = (min(l, r), max(l, r))
            if high == 4 && low == 3 { return .double }
            if high == 6 && (low == 4 || low == 5) { return .decimal }
            return ranked[high]
        }
        if (left == .timestamp || left == .date) && right == .duration && (op == .add || op == .subtract) { return left }
        return nil
    }

    static func apply(_ op: ArithmeticOperator, _ left: CQLValue, _ right: CQLValue, leftType: CQLDataType,
                      rightType: CQLDataType, resultType: CQLDataType) throws(QueryError) -> CQLValue {
        if left == .null || right == .null { return .null }
        let failed = { (reason: String) in
            QueryError(.functionFailure(keyspace: "system", function: functionName(op), argumentTypes: [leftType.description, rightType.description]),
                       "the operation '\(leftType) \(op.rawValue) \(rightType)' failed: \(reason)")
        }
        if case .duration(let duration) = right {
            return try shift(left, by: duration, negated: op == .subtract, failed: failed)
        }
        guard let l = Number(left), let r = Number(right) else { throw failed("not a number") }
        switch resultType {
        case .float, .double:
            // Float operands are rounded to float first; one operation in double, rounded once, then
            // gives Java's float result.
            let isFloat = resultType == .float
            let a = isFloat ? Double(Float(l.doubleValue)) : l.doubleValue
            let b = isFloat ? Double(Float(r.doubleValue)) : r.doubleValue
            let result: Double = switch op {
            case .add: a + b
            case .subtract: a - b
            case .multiply: a * b
            case .divide: a / b
            case .modulo: a.truncatingRemainder(dividingBy: b)
            }
            return isFloat ? .float(Float(result)) : .double(result)
        case .varint:
            guard let a = l.varintValue, let b = r.varintValue else { throw failed("not a number") }
            switch op {
            case .add: return .varint(a + b)
            case .subtract: return .varint(a - b)
            case .multiply: return .varint(a * b)
            case .divide, .modulo:
                guard let (quotient, remainder) = a.quotientAndRemainder(dividingBy: b) else { throw failed("BigInteger divide by zero") }
                return .varint(op == .divide ? quotient : remainder)
            }
        case .decimal:
            guard let a = l.decimalValue, let b = r.decimalValue else { throw failed("Infinite or NaN") }
            guard abs(Int(a.scale) - Int(b.scale)) <= Number.maximumScaleGap else { throw failed("scales too far apart") }
            switch op {
            case .add: return .decimal(a + b)
            case .subtract: return .decimal(a - b)
            case .multiply:
                guard Int32(exactly: Int64(a.scale) + Int64(b.scale)) != nil else { throw failed("Underflow") }
                return .decimal(a * b)
            case .divide:
                guard let quotient = a.divided(by: b) else { throw failed("Division by zero") }
                return .decimal(quotient)
            case .modulo:
                guard let remainder = a.remainder(dividingBy: b) else { throw failed("Division by zero") }
                return .decimal(remainder)
            }
        default:
            // tinyint … bigint: exact in 64 bits for the narrower types, wrapping for bigint, then
            // narrowed to the result type, which is what Java's int and long arithmetic gives.
            guard case .integer(let a) = l, case .integer(let b) = r else { throw failed("not a number") }
            let result: Int64
            switch op {
            case .add: result = a &+ b
            case .subtract: result = a &- b
            case .multiply: result = a &* b
            case .divide, .modulo:
                guard b != 0 else { throw failed("/ by zero") }
                result = op == .divide ? a.dividedReportingOverflow(by: b).partialValue : a.remainderReportingOverflow(dividingBy: b).partialValue
            }
            return Number.integer(result).value(as: resultType) ?? .null
        }
    }

    /// `-x`, in x's own type (wrapping at the minimum, as Java's negation does); a counter's is a bigint.
    static func negate(_ value: CQLValue) -> CQLValue {
        switch value {
        case .tinyint(let v): .tinyint(0 &- v)
        case .smallint(let v): .smallint(0 &- v)
        case .int(let v): .int(0 &- v)
        case .bigint(let v): .bigint(0 &- v)
        case .counter(let v): .bigint(0 &- v)
        case .float(let v): .float(-v)
        case .double(let v): .double(-v)
        case .varint(let v): .varint(-v)
        case .decimal(let v): .decimal(-v)
        default: value
        }
    }

    /// A timestamp or date moved by a duration: months first (clamped to the month's last day, as
    /// Java's `plusMonths`), then days, then the nanoseconds (whole milliseconds for a timestamp; a
    /// date takes only durations of whole days).
    private static func shift(_ value: CQLValue, by duration: CQLDuration, negated: Bool,
                              failed: (String) -> QueryError) throws(QueryError) -> CQLValue {
        let sign: Int64 = negated ? -1 : 1
        let months = Int64(duration.months) * sign
        let days = Int64(duration.days) * sign
        let nanos = duration.nanoseconds * sign
        switch value {
        case .timestamp(let millis):
            let dayMillis = TimeFunctions.floorModulo(millis, TimeFunctions.millisecondsPerDay)
            let day = (millis - dayMillis) / TimeFunctions.millisecondsPerDay
            // Wrapping, as Java's long arithmetic: a timestamp near the end of time must not trap.
            let shiftedDay = CivilDate.addingMonths(months, toDay: day) &+ days
            return .timestamp(shiftedDay &* TimeFunctions.millisecondsPerDay &+ dayMillis &+ nanos / 1_000_000)
        case .date(let raw):
            guard nanos == 0 else {
                throw .invalid("The duration must have a day precision. Was: \(CQLDurationFormat.text(duration))")
            }
            let day = Int64(raw) - Int64(CQLValue.dateEpoch)
            let shifted = CivilDate.addingMonths(months, toDay: day) + days + Int64(CQLValue.dateEpoch)
            guard let result = UInt32(exactly: shifted) else { throw failed("date out of range") }
            return .date(result)
        default:
            throw failed("not a timestamp or date")
        }
    }

    /// Cassandra's internal names of the operator functions, as error responses carry them.
    static func functionName(_ op: ArithmeticOperator) -> String {
        switch op {
        case .add: "_add"
        case .subtract: "_substract"
        case .multiply: "_multiply"
        case .divide: "_divide"
        case .modulo: "_modulo"
        }
    }
}
