import BasaltCore
import BasaltCQL
import BasaltCQLProtocol
import Testing
@testable import BasaltQuery

/// The pure parts of native functions, tables against Cassandra's documentation and Java's behaviour:
/// arithmetic result types, the CAST table, text forms, calendar arithmetic, timeuuid bounds and
/// overload resolution.
@Suite struct FunctionTests {
    /// Cassandra's operators page: the result type of `left op right`, row by row.
    static let order: [CQLDataType] = [.tinyint, .smallint, .int, .bigint, .counter, .float, .double, .varint, .decimal]
    static let promotion: [[CQLDataType]] = [
        [.tinyint, .smallint, .int, .bigint, .bigint, .float, .double, .varint, .decimal],
        [.smallint, .smallint, .int, .bigint, .bigint, .float, .double, .varint, .decimal],
        [.int, .int, .int, .bigint, .bigint, .float, .double, .varint, .decimal],
        [.bigint, .bigint, .bigint, .bigint, .bigint, .double, .double, .varint, .decimal],
        [.bigint, .bigint, .bigint, .bigint, .bigint, .double, .double, .varint, .decimal],
        [.float, .float, .float, .double, .double, .float, .double, .decimal, .decimal],
        [.double, .double, .double, .double, .double, .double, .double, .decimal, .decimal],
        [.varint, .varint, .varint, .varint, .varint, .decimal, .decimal, .varint, .decimal],
        [.decimal, .decimal, .decimal, .decimal, .decimal, .decimal, .decimal, .decimal, .decimal],
    ]

    @Test(arguments: 0..<9)
    func resultTypesFollowCassandrasTable(row: Int) {
        for (column, right) in Self.order.enumerated() {
            #expect(Arithmetic.resultType(.add, Self.order[row], right) == Self.promotion[row][column], "\(Self.order[row]) + \(right)")
        }
    }

    static let operations: [(ArithmeticOperator, CQLValue, CQLValue, CQLDataType, CQLValue)] = [
        (.add, .int(.max), .int(1), .int, .int(.min)),
        (.multiply, .bigint(.max), .bigint(2), .bigint, .bigint(-2)),
        (.divide, .int(-7), .int(2), .int, .int(-3)),
        (.modulo, .int(-7), .int(2), .int, .int(-1)),
        (.divide, .bigint(.min), .bigint(-1), .bigint, .bigint(.min)),
        (.modulo, .double(7.5), .double(2), .double, .double(1.5)),
        (.divide, .float(1), .float(3), .float, .float(1.0 / 3.0)),
        (.add, .tinyint(127), .tinyint(1), .tinyint, .tinyint(-128)),
        (.subtract, .int(1), .varint(CQLVarint(decimal: "100000000000000000000")!), .varint,
         .varint(CQLVarint(decimal: "-99999999999999999999")!)),
        (.multiply, .double(0.5), .decimal(CQLDecimal("3")!), .decimal, .decimal(CQLDecimal("1.5")!)),
    ]

    @Test(arguments: operations)
    func operationsComputeAsJava(_ c: (ArithmeticOperator, CQLValue, CQLValue, CQLDataType, CQLValue)) throws {
        let types = (Number(c.1).map { _ in Self.type(of: c.1) }!, Self.type(of: c.2))
        #expect(try Arithmetic.apply(c.0, c.1, c.2, leftType: types.0, rightType: types.1, resultType: c.3) == c.4)
    }

    static func type(of value: CQLValue) -> CQLDataType {
        switch value {
        case .tinyint: .tinyint
        case .int: .int
        case .bigint: .bigint
        case .float: .float
        case .double: .double
        case .varint: .varint
        default: .decimal
        }
    }

    @Test func negationKeepsTheTypeAndWraps() {
        #expect(Arithmetic.negate(.int(.min)) == .int(.min))
        #expect(Arithmetic.negate(.tinyint(5)) == .tinyint(-5))
        #expect(Arithmetic.negate(.counter(3)) == .bigint(-3))
        #expect(Arithmetic.negate(.decimal(CQLDecimal("1.50")!)) == .decimal(CQLDecimal("-1.50")!))
    }

    static let casts: [(CQLDataType, CQLDataType, Bool)] = [
        (.int, .bigint, true), (.double, .tinyint, true), (.varint, .float, true), (.int, .counter, false),
        (.counter, .int, true), (.timestamp, .date, true), (.date, .timestamp, true), (.timeuuid, .timestamp, true),
        (.timeuuid, .date, true), (.timestamp, .timeuuid, false), (.text, .int, false), (.uuid, .text, true),
        (.blob, .ascii, true), (.int, .uuid, false), (.list(.int), .text, false), (.boolean, .boolean, true),
        (.inet, .int, false), (.duration, .text, true),
    ]

    @Test(arguments: casts)
    func castTable(_ c: (CQLDataType, CQLDataType, Bool)) {
        #expect(Cast.isSupported(from: c.0, to: c.1) == c.2)
    }

    static let conversions: [(CQLValue, CQLDataType, CQLValue)] = [
        (.double(2.9e10), .int, .int(.max)),
        (.double(-2.9e10), .int, .int(.min)),
        (.double(.nan), .bigint, .bigint(0)),
        (.double(-2.5), .bigint, .bigint(-2)),
        (.int(300), .tinyint, .tinyint(44)),
        (.decimal(CQLDecimal("-12.75")!), .int, .int(-12)),
        (.varint(CQLVarint(decimal: "4294967297")!), .int, .int(1)),
        (.double(12.5), .decimal, .decimal(CQLDecimal("12.5")!)),
        (.double(1e10), .text, .text("1.0E10")),
        (.double(0.001), .text, .text("0.001")),
        (.double(1.5e-5), .text, .text("1.5E-5")),
        (.float(100), .text, .text("100.0")),
        (.double(-0.0), .text, .text("-0.0")),
        (.decimal(CQLDecimal("1.50")!), .text, .text("1.50")),
        (.decimal(CQLDecimal("0.000001")!), .text, .text("0.000001")),
        (.decimal(CQLDecimal("0.0000001")!), .text, .text("1E-7")),
        (.decimal(CQLDecimal("1E+3")!), .text, .text("1E+3")),
        (.decimal(CQLDecimal("2.5")!), .double, .double(2.5)),
        (.timestamp(-1), .text, .text("1969-12-31T23:59:59.999Z")),
        (.timestamp(-1), .date, .date(CQLValue.dateEpoch - 1)),
        (.time(3_723_000_000_004), .text, .text("01:02:03.000000004")),
        (.duration(CQLDuration(months: 14, days: 3, nanoseconds: 3_661_000_000_001)!), .text, .text("1y2mo3d1h1m1s1ns")),
    ]

    @Test(arguments: conversions)
    func castConvertsAsCassandra(_ c: (CQLValue, CQLDataType, CQLValue)) throws {
        let from: CQLDataType = switch c.0 {
        case .timestamp: .timestamp
        case .time: .time
        case .duration: .duration
        default: Self.type(of: c.0)
        }
        #expect(try Cast.convert(c.0, to: c.1, from: from) == c.2)
    }

    /// A decimal with a scale of two billion (not a test argument: its plain text would be printed).
    @Test func hugeScalesConvertWithoutTheirPlainDigits() throws {
        let tiny = try #require(CQLDecimal("-12.5e-2000000000"))
        #expect(try Cast.convert(.decimal(tiny), to: .text, from: .decimal) == .text("-1.25E-1999999999"))
        #expect(try Cast.convert(.decimal(tiny), to: .double, from: .decimal) == .double(-0.0))
        #expect(try Cast.convert(.decimal(tiny), to: .int, from: .decimal) == .int(0))
    }

    static let months: [((Int64, Int64, Int64), Int64, (Int64, Int64, Int64))] = [
        ((2011, 1, 31), 1, (2011, 2, 28)),
        ((2012, 1, 31), 1, (2012, 2, 29)),
        ((2011, 3, 31), -1, (2011, 2, 28)),
        ((2011, 11, 15), 14, (2013, 1, 15)),
        ((1970, 1, 1), -1, (1969, 12, 1)),
        ((2000, 2, 29), 12, (2001, 2, 28)),
    ]

    @Test(arguments: months)
    func monthsClampToTheMonthsEnd(_ c: ((Int64, Int64, Int64), Int64, (Int64, Int64, Int64))) {
        let day = CivilDate.toDays(year: c.0.0, month: c.0.1, day: c.0.2)
        let shifted = CivilDate.fromDays(CivilDate.addingMonths(c.1, toDay: day))
        #expect([shifted.year, shifted.month, shifted.day] == [c.2.0, c.2.1, c.2.2])
    }

    @Test func civilDatesRoundTrip() {
        for day in stride(from: Int64(-1_000_000), through: 1_000_000, by: 997) {
            let (year, month, dayOfMonth) = CivilDate.fromDays(day)
            #expect(CivilDate.toDays(year: year, month: month, day: dayOfMonth) == day)
        }
    }

    /// minTimeuuid and maxTimeuuid bound every timeuuid of their millisecond in Cassandra's order.
    @Test func timeuuidBoundsEncloseTheirMillisecond() throws {
        let millis: Int64 = 1_356_998_700_000
        let order = { (uuid: CQLUUID) in try ClusteringEncoding.sortKey(.timeuuid(uuid), as: .timeuuid) }
        let low = try order(TimeUUID.minimum(millis: millis)), high = try order(TimeUUID.maximum(millis: millis))
        for _ in 0..<50 {
            let made = try order(TimeUUID.make(micros: millis * 1000 + Int64.random(in: 0..<1000)))
            #expect(compareBytes(low, made) < 0 && compareBytes(made, high) < 0)
        }
        #expect(TimeUUID.millis(of: TimeUUID.maximum(millis: millis)) == millis)
        #expect(TimeUUID.millis(of: TimeUUID.minimum(millis: millis)) == millis)
    }

    static let resolutions: [(String, [FunctionArgument], String)] = [
        ("todate", [.typed(.timestamp)], "system.todate(timestamp)"),
        ("todate", [.typed(.timeuuid)], "system.todate(timeuuid)"),
        ("tounixtimestamp", [.literal(.string("2011-02-03"))], "Ambiguous call to function system.tounixtimestamp"),
        ("todate", [.marker], "Ambiguous call to function system.todate"),
        ("todate", [.typed(.int)], "Invalid call to function system.todate, none of its type signatures match"),
        ("blobasint", [.typed(.int)], "Type error: x cannot be passed as argument 0 of function system.blobasint of type blob"),
        ("now", [.marker], "Invalid number of arguments in call to function system.now: 0 required but 1 provided"),
        ("mintimeuuid", [.literal(.string("2013-01-01 00:05+0000"))], "system.mintimeuuid(timestamp)"),
        ("textasblob", [.typed(.ascii)], "system.textasblob(text)"),
    ]

    @Test(arguments: resolutions)
    func overloadsResolveFromArgumentTypes(_ c: (String, [FunctionArgument], String)) {
        let candidates = FunctionRegistry.overloads(QualifiedName(name: c.0))
        do {
            #expect(try FunctionRegistry.resolve(candidates, c.1) { _ in "x" }.signature == c.2)
        } catch {
            #expect(error.message.hasPrefix(c.2), "\(error.message)")
        }
    }
}
