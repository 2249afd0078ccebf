import BasaltCQLProtocol

/// A value of one of CQL's numeric types, for arithmetic, casts and aggregates. Conversions follow
/// Java's, which Cassandra uses: narrowing an integer keeps its low bits, a floating value converts to
/// an integer by truncation (saturating at the 32- or 64-bit range, NaN as 0), a decimal or varint
/// converts to a fixed width by truncating the fraction, then keeping the low bits.
enum Number {
    case integer(Int64)
    case float(Float)
    case double(Double)
    case varint(CQLVarint)
    case decimal(CQLDecimal)

    init?(_ value: CQLValue) {
        switch value {
        case .tinyint(let v): self = .integer(Int64(v))
        case .smallint(let v): self = .integer(Int64(v))
        case .int(let v): self = .integer(Int64(v))
        case .bigint(let v), .counter(let v): self = .integer(v)
        case .float(let v): self = .float(v)
        case .double(let v): self = .double(v)
        case .varint(let v): self = .varint(v)
        case .decimal(let v): self = .decimal(v)
        default: return nil
        }
    }

    /// Decimals whose scales lie further apart than this are not aligned, nor made integers: that
    /// takes as many digits, and a stored `1E-2000000000` must not stall the node.
    static let maximumScaleGap = 10_000

    static func isNumeric(_ type: CQLDataType) -> Bool {
        switch type {
        case .tinyint, .smallint, .int, .bigint, .counter, .float, .double, .varint, .decimal: true
        default: false
        }
    }

    /// The value as `type` (a numeric type). Nil only for a NaN or infinite float made a decimal or varint.
    func value(as type: CQLDataType) -> CQLValue? {
        switch type {
        case .tinyint: .tinyint(Int8(truncatingIfNeeded: fixedWidth(bits: 32)))
        case .smallint: .smallint(Int16(truncatingIfNeeded: fixedWidth(bits: 32)))
        case .int: .int(Int32(truncatingIfNeeded: fixedWidth(bits: 32)))
        case .bigint: .bigint(fixedWidth(bits: 64))
        case .counter: .counter(fixedWidth(bits: 64))
        case .float: .float(floatValue)
        case .double: .double(doubleValue)
        case .varint: varintValue.map(CQLValue.varint)
        case .decimal: decimalValue.map(CQLValue.decimal)
        default: nil
        }
    }

    var doubleValue: Double {
        switch self {
        case .integer(let v): Double(v)
        case .float(let v): Double(v)
        case .double(let v): v
        case .varint(let v): v.doubleValue
        case .decimal(let v): v.doubleValue
        }
    }

    private var floatValue: Float {
        switch self {
        case .integer(let v): Float(v)
        case .float(let v): v
        default: Float(doubleValue)
        }
    }

    var varintValue: CQLVarint? {
        switch self {
        case .integer(let v): return CQLVarint(v)
        case .varint(let v): return v
        case .float, .double:
            guard let decimal = decimalValue else { return nil }
            return Number.decimal(decimal).varintValue
        case .decimal(let v):
            guard abs(Int(v.scale)) <= Number.maximumScaleGap else { return nil }
            if v.scale <= 0 { return v.unscaled * CQLDecimal.powerOfTen(-Int(v.scale)) }
            return v.unscaled.quotientAndRemainder(dividingBy: CQLDecimal.powerOfTen(Int(v.scale)))?.quotient
        }
    }

    var decimalValue: CQLDecimal? {
        switch self {
        case .integer(let v): CQLDecimal(CQLVarint(v))
        case .float(let v): v.isFinite ? CQLDecimal("\(v)") : nil
        case .double(let v): CQLDecimal(v)
        case .varint(let v): CQLDecimal(v)
        case .decimal(let v): v
        }
    }

    /// The integer in 64 bits, then (for `bits` 32) as Java's `intValue()` would see it.
    private func fixedWidth(bits: Int) -> Int64 {
        switch self {
        case .integer(let v): return v
        case .float, .double:
            let value = doubleValue
            guard !value.isNaN else { return 0 }
            let (low, high): (Double, Double) = bits == 32 ? (-2_147_483_648, 2_147_483_647) : (-9.223372036854775808e18, 9.223372036854775807e18)
            if value <= low { return bits == 32 ? Int64(Int32.min) : .min }
            if value >= high { return bits == 32 ? Int64(Int32.max) : .max }
            return Int64(value)
        case .varint, .decimal:
            guard let integer = varintValue else { return 0 }
            let bytes = integer.bytes.suffix(8)
            let fill: Int64 = integer.isNegative ? -1 : 0
            return bytes.reduce(fill) { $0 << 8 | Int64($1) }
        }
    }
}
