import Testing

@testable import BasaltCQLProtocol

@Suite struct LiteralTests {
    static let jan2 = Int64(19_724) * 86_400_000  // 2024-01-02T00:00:00Z in ms
    static let jan2At030405 = jan2 + 11_045_000

    static let valid: [(String, CQLLiteralKind, CQLDataType, CQLValue)] = [
        ("2024-01-02 03:04:05+0000", .string, .timestamp, .timestamp(jan2At030405)),
        ("2024-01-02T03:04:05.123Z", .string, .timestamp, .timestamp(jan2At030405 + 123)),
        ("2024-01-02 03:04:05.1+01:00", .string, .timestamp, .timestamp(jan2At030405 + 100 - 3_600_000)),
        ("2024-01-02 03:04:05-0230", .string, .timestamp, .timestamp(jan2At030405 + 9_000_000)),
        ("2024-01-02 03:04:05.123456", .string, .timestamp, .timestamp(jan2At030405 + 123)),
        ("2024-01-02 03:04", .string, .timestamp, .timestamp(jan2 + 11_040_000)),
        ("2024-01-02", .string, .timestamp, .timestamp(jan2)),
        ("2024-01-02+0100", .string, .timestamp, .timestamp(jan2 - 3_600_000)),
        ("1969-12-31 23:59:59.999+0000", .string, .timestamp, .timestamp(-1)),
        ("1704164645000", .string, .timestamp, .timestamp(1_704_164_645_000)),
        ("-5", .integer, .timestamp, .timestamp(-5)),
        ("1970-01-01", .string, .date, .date(1 << 31)),
        ("2024-01-02", .string, .date, .date((1 << 31) + 19_724)),
        ("2000-02-29", .string, .date, .date((1 << 31) + 11_016)),
        ("-0001-01-01", .string, .date, .date(UInt32((1 << 31) - 719_893))),
        ("0", .string, .date, .date(0)),
        ("4294967295", .integer, .date, .date(.max)),
        ("03:04:05.123456789", .string, .time, .time(11_045_123_456_789)),
        ("00:00:00", .string, .time, .time(0)),
        ("23:59:59.999999999", .string, .time, .time(86_399_999_999_999)),
        ("12:00:00.5", .string, .time, .time(43_200_500_000_000)),
        ("1000", .integer, .time, .time(1000)),
        ("1", .integer, .int, .int(1)),
        ("-2147483648", .integer, .int, .int(.min)),
        ("9223372036854775807", .integer, .bigint, .bigint(.max)),
        ("-9223372036854775808", .integer, .counter, .counter(.min)),
        ("32767", .integer, .smallint, .smallint(.max)),
        ("-128", .integer, .tinyint, .tinyint(.min)),
        ("123456789012345678901234567890", .integer, .varint, .varint(CQLVarint(decimal: "123456789012345678901234567890")!)),
        ("1.50", .float, .decimal, .decimal(CQLDecimal(unscaled: CQLVarint(150), scale: 2))),
        ("7", .integer, .decimal, .decimal(CQLDecimal(unscaled: CQLVarint(7), scale: 0))),
        ("1.5e3", .float, .double, .double(1500)),
        ("Infinity", .float, .double, .double(.infinity)),
        ("-Infinity", .float, .float, .float(-.infinity)),
        ("3", .integer, .float, .float(3)),
        ("TRUE", .boolean, .boolean, .boolean(true)),
        ("false", .boolean, .boolean, .boolean(false)),
        ("hello", .string, .text, .text("hello")),
        ("", .string, .ascii, .ascii("")),
        ("0xCAFE", .blob, .blob, .blob([0xCA, 0xFE])),
        ("0x", .blob, .blob, .blob([])),
        (
            "123e4567-e89b-42d3-a456-426614174000", .uuid, .uuid,
            .uuid(CQLUUID("123e4567-e89b-42d3-a456-426614174000")!)
        ),
        (
            "123e4567-e89b-12d3-a456-426614174000", .uuid, .timeuuid,
            .timeuuid(CQLUUID("123e4567-e89b-12d3-a456-426614174000")!)
        ),
        ("192.168.0.1", .string, .inet, .inet(CQLInet(bytes: [192, 168, 0, 1])!)),
        ("fe80::1", .string, .inet, .inet(CQLInet(bytes: [0xfe, 0x80] + Array(repeating: 0, count: 13) + [1])!)),
        ("1h30m", .duration, .duration, .duration(CQLDuration(months: 0, days: 0, nanoseconds: 5_400_000_000_000)!)),
        ("1y2mo", .duration, .duration, .duration(CQLDuration(months: 14, days: 0, nanoseconds: 0)!)),
        ("-3d", .duration, .duration, .duration(CQLDuration(months: 0, days: -3, nanoseconds: 0)!)),
        ("2w1ms5us7NS", .duration, .duration, .duration(CQLDuration(months: 0, days: 14, nanoseconds: 1_005_007)!)),
        ("P1Y2M3DT4H5M6S", .duration, .duration, .duration(CQLDuration(months: 14, days: 3, nanoseconds: 14_706_000_000_000)!)),
        ("P2W", .duration, .duration, .duration(CQLDuration(months: 0, days: 14, nanoseconds: 0)!)),
        ("P0001-02-03T04:05:06", .duration, .duration, .duration(CQLDuration(months: 14, days: 3, nanoseconds: 14_706_000_000_000)!)),
        ("1h", .string, .duration, .duration(CQLDuration(months: 0, days: 0, nanoseconds: 3_600_000_000_000)!)),
    ]

    @Test(arguments: valid.indices)
    func validLiterals(index: Int) throws {
        let (text, kind, type, expected) = Self.valid[index]
        #expect(try CQLValue.fromLiteral(text, kind: kind, as: type) == expected, "\(text) as \(type)")
    }

    static let invalid: [(String, CQLLiteralKind, CQLDataType, String)] = [
        ("1", .string, .int, "Invalid STRING constant (1) for type int"),
        ("0xAB", .blob, .text, "Invalid HEX constant (0xAB) for type text"),
        ("1.5", .float, .int, "Invalid FLOAT constant (1.5) for type int"),
        ("abc", .string, .uuid, "Invalid STRING constant (abc) for type uuid"),
        ("1", .integer, .list(.int), "Invalid INTEGER constant (1) for type list<int>"),
        ("2147483648", .integer, .int, "Unable to make int from '2147483648'"),
        ("32768", .integer, .smallint, "Unable to make short from '32768'"),
        ("128", .integer, .tinyint, "Unable to make tinyint from '128'"),
        ("9223372036854775808", .integer, .bigint, "Unable to make long from '9223372036854775808'"),
        ("NaN", .float, .decimal, "Unable to make BigDecimal from 'NaN'"),
        ("0x1p3", .float, .double, "Unable to make double from '0x1p3'"),
        ("yes", .boolean, .boolean, "Unable to make boolean from 'yes'"),
        ("0xABC", .blob, .blob, "Invalid hex string 0xABC"),
        ("0xZZ", .blob, .blob, "Invalid hex string 0xZZ"),
        ("123e4567-e89b-42d3-a456-426614174000", .uuid, .timeuuid, "Unsupported UUID version (4) for timeuuid"),
        ("2024-13-01", .string, .timestamp, "Unable to coerce '2024-13-01' to a formatted date (long)"),
        ("2024-02-30", .string, .date, "Unable to coerce '2024-02-30' to a formatted date (long)"),
        ("1900-02-29", .string, .date, "Unable to coerce '1900-02-29' to a formatted date (long)"),
        ("2024-01-02 24:00:00", .string, .timestamp, "Unable to coerce '2024-01-02 24:00:00' to a formatted date (long)"),
        ("2024-01-02 03:04:05+25", .string, .timestamp, "Unable to coerce '2024-01-02 03:04:05+25' to a formatted date (long)"),
        ("4294967296", .integer, .date, "Input date 4294967296 is out of range"),
        ("24:00:00", .string, .time, "Unable to coerce '24:00:00' to a formatted time (long)"),
        ("03:04", .string, .time, "Unable to coerce '03:04' to a formatted time (long)"),
        ("86400000000000", .integer, .time, "Input long out of bounds: 86400000000000"),
        ("1.2.3", .string, .inet, "Unable to make inet address from '1.2.3'"),
        ("256.1.1.1", .string, .inet, "Unable to make inet address from '256.1.1.1'"),
        ("1::2::3", .string, .inet, "Unable to make inet address from '1::2::3'"),
        ("é", .string, .ascii, "Invalid ASCII character in string literal"),
        ("1m1h", .duration, .duration, "Invalid duration. The minutes should be after hours"),
        ("1h1h", .duration, .duration, "Invalid duration. The hours are specified multiple times"),
        ("1us1µs", .duration, .duration, "Invalid duration. The microseconds are specified multiple times"),
        ("1x", .duration, .duration, "Unable to convert '1x' to a duration"),
        ("PT0.5S", .duration, .duration, "Unable to convert 'PT0.5S' to a duration"),
        ("P", .duration, .duration, "Unable to convert 'P' to a duration"),
        ("3000000000d", .duration, .duration, "Invalid duration. The total number of days must be less or equal to 2147483647"),
        ("400000000w", .duration, .duration, "Invalid duration. The total number of days must be less or equal to 2147483647"),
        ("200000000y", .duration, .duration, "Invalid duration. The total number of months must be less or equal to 2147483647"),
        ("9223372036854775807s", .duration, .duration,
         "Invalid duration. The total number of nanoseconds must be less or equal to 9223372036854775807"),
    ]

    @Test(arguments: invalid.indices)
    func invalidLiterals(index: Int) {
        let (text, kind, type, message) = Self.invalid[index]
        #expect(throws: CQLValueError(message)) { try CQLValue.fromLiteral(text, kind: kind, as: type) }
    }

    /// Every literal a value round-trips to the same bytes through the wire codec.
    @Test func literalsSerialize() throws {
        for (text, kind, type, _) in Self.valid {
            let value = try CQLValue.fromLiteral(text, kind: kind, as: type)
            #expect(try CQLValue.deserialize(bytes: value.serialize(as: type), type: type) == value, "\(text)")
        }
    }
}
