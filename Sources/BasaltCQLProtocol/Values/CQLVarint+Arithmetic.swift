/// Exact integer arithmetic on varints, as Java's `BigInteger` does it: `/` truncates toward zero and
/// `%` takes the dividend's sign. CQL arithmetic, `sum` and `avg` of varint and decimal need it.
extension CQLVarint: Comparable {
    public static func + (lhs: CQLVarint, rhs: CQLVarint) -> CQLVarint {
        let (left, right) = (lhs.magnitude, rhs.magnitude)
        if lhs.isNegative == rhs.isNegative { return CQLVarint(magnitude: left.adding(right), negative: lhs.isNegative) }
        // Opposite signs: the larger magnitude keeps its sign.
        if left.compare(right) >= 0 { return CQLVarint(magnitude: left.subtracting(right), negative: lhs.isNegative) }
        return CQLVarint(magnitude: right.subtracting(left), negative: rhs.isNegative)
    }

    public static prefix func - (value: CQLVarint) -> CQLVarint {
        CQLVarint(magnitude: value.magnitude, negative: !value.isNegative)
    }

    public static func - (lhs: CQLVarint, rhs: CQLVarint) -> CQLVarint { lhs + -rhs }

    public static func * (lhs: CQLVarint, rhs: CQLVarint) -> CQLVarint {
        CQLVarint(magnitude: lhs.magnitude.multiplying(rhs.magnitude), negative: lhs.isNegative != rhs.isNegative)
    }

    /// Quotient truncated toward zero and remainder with the dividend's sign; nil for a zero divisor.
    public func quotientAndRemainder(dividingBy divisor: CQLVarint) -> (quotient: CQLVarint, remainder: CQLVarint)? {
        guard !divisor.isZero else { return nil }
        let (quotient, remainder) = magnitude.divided(by: divisor.magnitude)
        return (CQLVarint(magnitude: quotient, negative: isNegative != divisor.isNegative),
                CQLVarint(magnitude: remainder, negative: isNegative))
    }

    public var isZero: Bool { bytes == [0] }

    public static func < (lhs: CQLVarint, rhs: CQLVarint) -> Bool { (lhs - rhs).isNegative }

    /// The nearest double (exact below 2^53), as `BigInteger.doubleValue()` for the values CQL meets.
    public var doubleValue: Double {
        if let small = int64Value { return Double(small) }
        return Double(description) ?? (isNegative ? -.infinity : .infinity)
    }
}

extension Magnitude {
    init(trimming limbs: [UInt32]) {
        var trimmed = limbs
        while trimmed.last == 0 { trimmed.removeLast() }
        self.limbs = trimmed
    }

    func compare(_ other: Magnitude) -> Int {
        if limbs.count != other.limbs.count { return limbs.count < other.limbs.count ? -1 : 1 }
        for index in limbs.indices.reversed() where limbs[index] != other.limbs[index] {
            return limbs[index] < other.limbs[index] ? -1 : 1
        }
        return 0
    }

    func adding(_ other: Magnitude) -> Magnitude {
        var result: [UInt32] = []
        var carry: UInt64 = 0
        for index in 0..<max(limbs.count, other.limbs.count) {
            let sum = UInt64(index < limbs.count ? limbs[index] : 0)
                + UInt64(index < other.limbs.count ? other.limbs[index] : 0) + carry
            result.append(UInt32(truncatingIfNeeded: sum))
            carry = sum >> 32
        }
        if carry != 0 { result.append(UInt32(carry)) }
        return Magnitude(trimming: result)
    }

    /// Requires `self >= other`.
    func subtracting(_ other: Magnitude) -> Magnitude {
        var result: [UInt32] = []
        var borrow: Int64 = 0
        for index in limbs.indices {
            var difference = Int64(limbs[index]) - Int64(index < other.limbs.count ? other.limbs[index] : 0) - borrow
            borrow = difference < 0 ? 1 : 0
            if difference < 0 { difference += 1 << 32 }
            result.append(UInt32(difference))
        }
        return Magnitude(trimming: result)
    }

    func multiplying(_ other: Magnitude) -> Magnitude {
        guard !isZero, !other.isZero else { return Magnitude() }
        var result = [UInt32](repeating: 0, count: limbs.count + other.limbs.count)
        for (i, left) in limbs.enumerated() {
            var carry: UInt64 = 0
            for (j, right) in other.limbs.enumerated() {
                let product = UInt64(left) * UInt64(right) + UInt64(result[i + j]) + carry
                result[i + j] = UInt32(truncatingIfNeeded: product)
                carry = product >> 32
            }
            result[i + other.limbs.count] = UInt32(carry)
        }
        return Magnitude(trimming: result)
    }

    /// Schoolbook binary long division: one shift-and-subtract per bit of the dividend. The values
    /// CQL divides are a few limbs long, where this is fast enough and easy to check.
    func divided(by divisor: Magnitude) -> (quotient: Magnitude, remainder: Magnitude) {
        var quotient = [UInt32](repeating: 0, count: limbs.count)
        var remainder = Magnitude()
        for bit in stride(from: limbs.count * 32 - 1, through: 0, by: -1) {
            remainder = remainder.shiftedLeftOne(insertingBit: limbs[bit / 32] >> (bit % 32) & 1)
            if remainder.compare(divisor) >= 0 {
                remainder = remainder.subtracting(divisor)
                quotient[bit / 32] |= 1 << (bit % 32)
            }
        }
        return (Magnitude(trimming: quotient), remainder)
    }

    private func shiftedLeftOne(insertingBit bit: UInt32) -> Magnitude {
        var result: [UInt32] = []
        var carry = bit
        for limb in limbs {
            result.append(limb << 1 | carry)
            carry = limb >> 31
        }
        if carry != 0 { result.append(carry) }
        return Magnitude(trimming: result)
    }
}
