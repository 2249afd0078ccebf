import Testing
@testable import BasaltCQLProtocol

/// Varint and decimal arithmetic against what Java's BigInteger and BigDecimal answer.
@Suite struct ArithmeticTests {
    static func varint(_ text: String) -> CQLVarint { CQLVarint(decimal: text)! }
    static func decimal(_ text: String) -> CQLDecimal { CQLDecimal(text)! }

    static let varintCases: [(String, String, String, String, String, String)] = [
        // a, b, a + b, a - b, a * b, a / b (truncated) — remainders are checked as a - (a / b) * b
        ("7", "2", "9", "5", "14", "3"),
        ("-7", "2", "-5", "-9", "-14", "-3"),
        ("7", "-2", "5", "9", "-14", "-3"),
        ("0", "5", "5", "-5", "0", "0"),
        ("18446744073709551616", "4294967296", "18446744078004518912", "18446744069414584320",
         "79228162514264337593543950336", "4294967296"),
        ("-9223372036854775808", "-1", "-9223372036854775809", "-9223372036854775807", "9223372036854775808",
         "9223372036854775808"),
        ("123456789012345678901234567890", "987654321", "123456789012345678902222222211", "123456789012345678900246913569",
         "121932631124828532112482853211126352690", "124999998873437499901"),
    ]

    @Test(arguments: varintCases)
    func varintArithmetic(_ c: (String, String, String, String, String, String)) {
        let (a, b) = (Self.varint(c.0), Self.varint(c.1))
        #expect((a + b).description == c.2)
        #expect((a - b).description == c.3)
        #expect((a * b).description == c.4)
        let (quotient, remainder) = a.quotientAndRemainder(dividingBy: b)!
        #expect(quotient.description == c.5)
        #expect((quotient * b + remainder).description == c.0)
        #expect(remainder.isZero || remainder.isNegative == a.isNegative)
    }

    @Test func divisionByZeroIsNil() {
        #expect(Self.varint("5").quotientAndRemainder(dividingBy: Self.varint("0")) == nil)
        #expect(Self.decimal("5").divided(by: Self.decimal("0.00")) == nil)
        #expect(Self.decimal("5").remainder(dividingBy: Self.decimal("0")) == nil)
    }

    static let decimalCases: [(String, String, String, String, String, String, String)] = [
        // a, b, a + b, a - b, a * b, a / b (DECIMAL128), a % b
        ("1.5", "0.25", "1.75", "1.25", "0.375", "6", "0.00"),
        ("1", "3", "4", "-2", "3", "0.3333333333333333333333333333333333", "1"),
        ("2", "3", "5", "-1", "6", "0.6666666666666666666666666666666667", "2"),
        ("10.00", "4", "14.00", "6.00", "40.00", "2.50", "2.00"),
        ("-7.5", "2", "-5.5", "-9.5", "-15.0", "-3.75", "-1.5"),
        ("1E+3", "1", "1001", "999", "1000", "1000", "0"),
    ]

    @Test(arguments: decimalCases)
    func decimalArithmetic(_ c: (String, String, String, String, String, String, String)) {
        let (a, b) = (Self.decimal(c.0), Self.decimal(c.1))
        #expect((a + b).description == c.2)
        #expect((a - b).description == c.3)
        #expect((a * b).description == c.4)
        #expect(a.divided(by: b)?.description == c.5)
        #expect(a.remainder(dividingBy: b)?.description == c.6)
    }

    /// Scales further apart than a literal's digits may be are still aligned (no parser limit).
    @Test func alignsScalesPastTheLiteralDigitLimit() {
        let tiny = Self.decimal("1E-5000"), one = Self.decimal("1")
        let sum = tiny + one
        #expect(sum.scale == 5000)
        #expect(sum.description.hasPrefix("1.000") && sum.description.hasSuffix("0001"))
        #expect(CQLDecimal.powerOfTen(20).description == "100000000000000000000")
        #expect(CQLDecimal.powerOfTen(0).description == "1")
    }

    @Test func ordering() {
        #expect(Self.varint("-3") < Self.varint("2"))
        #expect(Self.decimal("1.50") < Self.decimal("1.6"))
        #expect(!(Self.decimal("1.50") < Self.decimal("1.5")))
    }
}
