/// Decimal arithmetic as Java's `BigDecimal` does it for CQL: `+`, `-` and `*` are exact (the
/// result's scale is the larger scale, or the sum of scales for `*`), `/` rounds to 34 significant
/// digits half-even (`MathContext.DECIMAL128`, what Cassandra's `DecimalType` divides with) and keeps
/// the preferred scale when the quotient is exact.
extension CQLDecimal: Comparable {
    public init(_ value: CQLVarint) { self.init(unscaled: value, scale: 0) }

    /// The shortest text that reads back as the double, as `BigDecimal.valueOf(double)`; nil for NaN
    /// and the infinities, which no decimal holds.
    public init?(_ value: Double) {
        guard value.isFinite else { return nil }
        self.init("\(value)")
    }

    /// Read from scientific text, so that a scale of millions costs nothing (the plain form would
    /// have as many digits).
    public var doubleValue: Double { Double("\(unscaled)e\(-Int64(scale))") ?? 0 }

    public static func + (lhs: CQLDecimal, rhs: CQLDecimal) -> CQLDecimal {
        let (left, right, scale) = aligned(lhs, rhs)
        return CQLDecimal(unscaled: left + right, scale: scale)
    }

    public static prefix func - (value: CQLDecimal) -> CQLDecimal {
        CQLDecimal(unscaled: -value.unscaled, scale: value.scale)
    }

    public static func - (lhs: CQLDecimal, rhs: CQLDecimal) -> CQLDecimal { lhs + -rhs }

    public static func * (lhs: CQLDecimal, rhs: CQLDecimal) -> CQLDecimal {
        CQLDecimal(unscaled: lhs.unscaled * rhs.unscaled, scale: lhs.scale &+ rhs.scale)
    }

    /// nil for a zero divisor.
    public func divided(by divisor: CQLDecimal) -> CQLDecimal? {
        guard !divisor.unscaled.isZero else { return nil }
        let precision = 34
        let preferredScale = Int64(scale) - Int64(divisor.scale)
        // Enough extra digits that the integer quotient carries more than `precision` of them.
        let extra = max(0, precision + 1 + digitCount(divisor.unscaled) - digitCount(unscaled))
        let dividend = unscaled * CQLDecimal.powerOfTen(extra)
        guard let (quotient, remainder) = dividend.quotientAndRemainder(dividingBy: divisor.unscaled) else { return nil }
        var result = quotient
        var resultScale = preferredScale + Int64(extra)
        var exact = remainder.isZero
        let excess = digitCount(result) - precision
        if excess > 0 {
            (result, exact) = CQLDecimal.roundHalfEven(result, droppingDigits: excess, sticky: !exact)
            resultScale -= Int64(excess)
        }
        if exact {
            // An exact quotient comes back at the scale nearest the preferred one, as BigDecimal's.
            let ten = CQLVarint(10)
            while resultScale > preferredScale, let (shorter, rest) = result.quotientAndRemainder(dividingBy: ten), rest.isZero {
                result = shorter
                resultScale -= 1
            }
        }
        guard let scale32 = Int32(exactly: resultScale) else { return nil }
        return CQLDecimal(unscaled: result, scale: scale32)
    }

    /// `BigDecimal.remainder`: the dividend's sign, at the larger scale; nil for a zero divisor.
    public func remainder(dividingBy divisor: CQLDecimal) -> CQLDecimal? {
        let (left, right, scale) = CQLDecimal.aligned(self, divisor)
        guard let (_, remainder) = left.quotientAndRemainder(dividingBy: right) else { return nil }
        return CQLDecimal(unscaled: remainder, scale: scale)
    }

    public static func < (lhs: CQLDecimal, rhs: CQLDecimal) -> Bool {
        let (left, right, _) = aligned(lhs, rhs)
        return left < right
    }

    /// Both unscaled values at the larger of the two scales.
    private static func aligned(_ lhs: CQLDecimal, _ rhs: CQLDecimal) -> (CQLVarint, CQLVarint, Int32) {
        if lhs.scale == rhs.scale { return (lhs.unscaled, rhs.unscaled, lhs.scale) }
        if lhs.scale > rhs.scale {
            return (lhs.unscaled, rhs.unscaled * powerOfTen(Int(lhs.scale) - Int(rhs.scale)), lhs.scale)
        }
        return (lhs.unscaled * powerOfTen(Int(rhs.scale) - Int(lhs.scale)), rhs.unscaled, rhs.scale)
    }

    /// 10^exponent (1 for a negative exponent), built nine digits at a time: the decimal parser
    /// refuses literals past `CQLVarint.maximumDigits`, and aligning scales can need more.
    public static func powerOfTen(_ exponent: Int) -> CQLVarint {
        var magnitude = Magnitude(trimming: [1])
        var remaining = max(exponent, 0)
        while remaining > 0 {
            let step = min(remaining, 9)
            var factor: UInt32 = 1
            for _ in 0..<step { factor *= 10 }
            magnitude.multiplyAdd(multiplier: factor, addend: 0)
            remaining -= step
        }
        return CQLVarint(magnitude: magnitude, negative: false)
    }

    /// Drops the last `count` digits, rounding half to even; `sticky` says nonzero digits were already
    /// dropped below those. Returns whether nothing nonzero was lost.
    private static func roundHalfEven(_ value: CQLVarint, droppingDigits count: Int, sticky: Bool) -> (CQLVarint, Bool) {
        let divisor = powerOfTen(count)
        let (quotient, remainder) = value.quotientAndRemainder(dividingBy: divisor)!
        let doubled = (remainder.isNegative ? -remainder : remainder) * CQLVarint(2)
        let half = doubled < divisor ? -1 : divisor < doubled ? 1 : (sticky ? 1 : 0)
        let odd = !(quotient.quotientAndRemainder(dividingBy: CQLVarint(2))!.remainder.isZero)
        let roundsAway = half > 0 || (half == 0 && odd)
        let step = CQLVarint(value.isNegative ? -1 : 1)
        return (roundsAway ? quotient + step : quotient, remainder.isZero && !sticky)
    }
}

private func digitCount(_ value: CQLVarint) -> Int {
    value.description.count - (value.isNegative ? 1 : 0)
}
