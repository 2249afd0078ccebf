import Testing

@testable import BasaltCQLProtocol

@Suite struct ValueCodecTests {
    static let uuid4 = CQLUUID("123e4567-e89b-42d3-a456-426614174000")!
    static let uuid1 = CQLUUID("123e4567-e89b-12d3-a456-426614174000")!
    static let udt = CQLUserType(keyspace: "ks", name: "point", fields: [.init(name: "x", type: .int), .init(name: "y", type: .text)])

    /// (value, type, exact serialized hex) — spec §6 encodings, including every edge value.
    static let goldens: [(CQLValue, CQLDataType, String)] = [
        (.int(1), .int, "00000001"),
        (.int(.min), .int, "80000000"),
        (.int(-1), .int, "ffffffff"),
        (.bigint(.max), .bigint, "7fffffffffffffff"),
        (.counter(-2), .counter, "fffffffffffffffe"),
        (.smallint(-32768), .smallint, "8000"),
        (.tinyint(-128), .tinyint, "80"),
        (.tinyint(127), .tinyint, "7f"),
        (.boolean(true), .boolean, "01"),
        (.boolean(false), .boolean, "00"),
        (.double(1.5), .double, "3ff8000000000000"),
        (.double(-.infinity), .double, "fff0000000000000"),
        (.float(1), .float, "3f800000"),
        (.float(.greatestFiniteMagnitude), .float, "7f7fffff"),
        (.timestamp(-1), .timestamp, "ffffffffffffffff"),
        (.date(CQLValue.dateEpoch), .date, "80000000"),
        (.date(0), .date, "00000000"),
        (.date(.max), .date, "ffffffff"),
        (.time(0), .time, "0000000000000000"),
        (.time(86_399_999_999_999), .time, "00004e94914effff"),
        (.text(""), .text, ""),
        (.text("héllo"), .text, "68c3a96c6c6f"),
        (.ascii("abc"), .ascii, "'abc'"),
        (.blob([]), .blob, ""),
        (.blob([0xDE, 0xAD]), .blob, "dead"),
        (.uuid(uuid4), .uuid, "123e4567e89b42d3a456426614174000"),
        (.timeuuid(uuid1), .timeuuid, "123e4567e89b12d3a456426614174000"),
        (.inet(CQLInet("10.0.0.1")!), .inet, "0a000001"),
        (.inet(CQLInet("2001:db8::1")!), .inet, "20010db8000000000000000000000001"),
        // Spec §6.23's varint table.
        (.varint(CQLVarint(0)), .varint, "00"),
        (.varint(CQLVarint(1)), .varint, "01"),
        (.varint(CQLVarint(127)), .varint, "7f"),
        (.varint(CQLVarint(128)), .varint, "0080"),
        (.varint(CQLVarint(129)), .varint, "0081"),
        (.varint(CQLVarint(-1)), .varint, "ff"),
        (.varint(CQLVarint(-128)), .varint, "80"),
        (.varint(CQLVarint(-129)), .varint, "ff7f"),
        (.varint(CQLVarint(decimal: "123456789012345678901234567890")!), .varint, "018ee90ff6c373e0ee4e3f0ad2"),
        (.varint(CQLVarint(decimal: "-18446744073709551616")!), .varint, "ff0000000000000000"),
        (.decimal(CQLDecimal("1.50")!), .decimal, "00000002 0096"),  // 150 needs a sign byte
        (.decimal(CQLDecimal("-1.23e5")!), .decimal, "fffffffd 85"),  // -123, scale -3
        (.duration(CQLDuration(months: 1, days: 2, nanoseconds: 3)!), .duration, "020406"),
        (.duration(CQLDuration(months: 0, days: 0, nanoseconds: 64)!), .duration, "00 00 8080"),
        (.duration(CQLDuration(months: -1, days: 0, nanoseconds: .min)!), .duration, "01 00 ffffffffffffffffff"),
        (.list([.int(1), .int(2)]), .list(.int), "00000002 00000004 00000001 00000004 00000002"),
        (.set([]), .set(.text), "00000000"),
        (
            .map([CQLMapEntry(key: .text("a"), value: .list([.boolean(true)]))]), .map(key: .text, value: .list(.boolean)),
            "00000001 00000001 'a' 00000009 00000001 00000001 01"
        ),
        (.tuple([.int(1), .null]), .tuple([.int, .text]), "00000004 00000001 ffffffff"),
        (.udt([.int(3)]), .udt(udt), "00000004 00000003"),
        (.udt([.int(3), .text("z")]), .udt(udt), "00000004 00000003 00000001 'z'"),
        (.custom([1, 2]), .custom("com.example.T"), "0102"),
        (.empty, .int, ""),
        (.empty, .uuid, ""),
    ]

    @Test(arguments: goldens.indices)
    func serializedFormAndRoundTrip(index: Int) throws {
        let (value, type, hex) = Self.goldens[index]
        let serialized = try value.serialize(as: type)
        #expect(serialized == bytes(hex), "\(value) as \(type)")
        let decoded = try CQLValue.deserialize(bytes: serialized, type: type)
        // Compare re-serialized bytes so NaN-free but -0.0-sensitive values compare exactly.
        #expect(try decoded.serialize(as: type) == serialized)
        #expect(decoded == value)
    }

    @Test func nullAndNaN() throws {
        #expect(try CQLValue.null.serialize(as: .int) == nil)
        #expect(try CQLValue.deserialize(bytes: nil, type: .map(key: .int, value: .int)) == .null)
        let nan = try CQLValue.double(.nan).serialize(as: .double)!
        guard case .double(let value) = try CQLValue.deserialize(bytes: nan, type: .double) else {
            Issue.record("not a double")
            return
        }
        #expect(value.isNaN)
    }

    /// Wrong lengths and bad content fail with Cassandra's messages (returned as 0x2200 Invalid).
    static let invalid: [(String, CQLDataType, String)] = [
        ("000001", .int, "Expected 4 or 0 byte int (3)"),
        ("0000000000000000 00", .bigint, "Expected 8 or 0 byte long (9)"),
        ("0000", .timestamp, "Expected 8 or 0 byte long for date (2)"),
        ("", .smallint, "Expected 2 bytes for a smallint (0)"),
        ("0000", .tinyint, "Expected 1 byte for a tinyint (2)"),
        ("0001", .boolean, "Expected 1 or 0 byte value (2)"),
        ("00", .double, "Expected 8 or 0 byte value for a double (1)"),
        ("00", .float, "Expected 4 or 0 byte value for a float (1)"),
        ("000000", .date, "Expected 4 byte long for date (3)"),
        ("00", .time, "Expected 8 byte long for time (1)"),
        ("0000 5af3 107a 4000", .time, "Time value 100000000000000 is outside of 0 to 86399999999999 nanoseconds"),
        ("c328", .text, "String didn't validate."),
        ("ff", .ascii, "Invalid byte for ascii: 255"),
        ("00", .uuid, "UUID should be 16 or 0 bytes (1)"),
        ("123e4567e89b42d3a456426614174000", .timeuuid, "Unsupported UUID version (4) for timeuuid"),
        ("000000", .inet, "Expected 4 or 16 byte inetaddress; got 3 bytes"),
        ("000000", .decimal, "Expected 0 or at least 5 bytes for decimal (3)"),
        ("01 02 00", .duration, "The duration months, days and nanoseconds must be all of the same sign"),
        ("02 04", .duration, "Invalid duration encoding (2 bytes)"),
        ("00000001 00000004 000000", .list(.int), "Not enough bytes to read a list<int>"),
        ("00000001 00000004 00000001 00", .list(.int), "Unexpected extraneous bytes after list<int> value"),
        ("00000001 ffffffff", .set(.int), "null is not supported inside collections (set<int>)"),
        ("7fffffff", .list(.int), "Invalid element count 2147483647 for a list<int> of 4 bytes"),
        ("ffffffff", .map(key: .int, value: .int), "Invalid element count -1 for a map<int, int> of 4 bytes"),
        ("00000001 000000", .list(.int), "Invalid element count 1 for a list<int> of 7 bytes"),
        ("00000004 00000001", .tuple([.int, .int]), "Not enough bytes to read a tuple<int, int>"),
        ("00000001 00000003 000001", .list(.int), "Expected 4 or 0 byte int (3)"),
        ("", .list(.int), "Not enough bytes to read a list<int>"),
    ]

    @Test(arguments: invalid.indices)
    func invalidBytes(index: Int) {
        let (hex, type, message) = Self.invalid[index]
        #expect(throws: CQLValueError(message)) { try CQLValue.deserialize(bytes: bytes(hex), type: type) }
    }

    @Test(arguments: [
        (CQLValue.int(1), CQLDataType.bigint, "Invalid int value for type bigint"),
        (.ascii("é"), .ascii, "Invalid ASCII string: é"),
        (.time(-1), .time, "Time value -1 is outside of 0 to 86399999999999 nanoseconds"),
        (.timeuuid(uuid4), .timeuuid, "Unsupported UUID version (4) for timeuuid"),
        (.list([.null]), .list(.int), "null is not supported inside collections (list<int>)"),
        (.tuple([.int(1)]), .tuple([.int, .int]), "Invalid tuple literal: expected 2 components, got 1"),
        (.udt([.int(1), .text("a"), .int(2)]), .udt(udt), "UDT value has 3 fields but type point has 2"),
        (.empty, .text, "An empty value is not valid for type text"),
    ])
    func invalidValues(value: CQLValue, type: CQLDataType, message: String) {
        #expect(throws: CQLValueError(message)) { try value.serialize(as: type) }
    }

    @Test func nonMinimalVarintsAreNormalized() throws {
        #expect(try CQLValue.deserialize(bytes: bytes("000001"), type: .varint) == .varint(CQLVarint(1)))
        #expect(try CQLValue.deserialize(bytes: bytes("ffff80"), type: .varint) == .varint(CQLVarint(-128)))
        #expect(try CQLValue.deserialize(bytes: [], type: .varint) == .empty)
    }

    @Test(arguments: [
        "0", "1", "-1", "127", "128", "-128", "-129", "9223372036854775807", "-9223372036854775808",
        "18446744073709551616", "-340282366920938463463374607431768211456",
        "123456789012345678901234567890123456789012345678901234567890",
    ])
    func varintDecimalRoundTrip(text: String) throws {
        let varint = try #require(CQLVarint(decimal: text))
        #expect(varint.description == text)
        #expect(varint.int64Value == Int64(text))
    }

    @Test(arguments: [Int64.min, -1, 0, 1, 63, 64, -65, 8191, 8192, Int64(Int32.max), Int64.max])
    func vintRoundTrip(value: Int64) {
        var encoded: [UInt8] = []
        VInt.encode(value, into: &encoded)
        var offset = 0
        #expect(VInt.decode(encoded, at: &offset) == value)
        #expect(offset == encoded.count)
    }

    @Test(arguments: [
        ("1.50", "1.50"), ("-1.23e5", "-123000"), ("1e-2", "0.01"), ("0.000", "0.000"), ("-0.5", "-0.5"),
        ("12345678901234567890.123456789", "12345678901234567890.123456789"),
    ])
    func decimalText(literal: String, rendered: String) throws {
        #expect(try #require(CQLDecimal(literal)).description == rendered)
    }

    @Test(arguments: [
        ("127.0.0.1", "127.0.0.1"), ("::1", "::1"), ("2001:DB8:0:0:0:0:0:1", "2001:db8::1"),
        ("::ffff:192.168.1.1", "::ffff:c0a8:101"), ("1:0:0:1:0:0:0:1", "1:0:0:1::1"), ("::", "::"),
    ])
    func inetText(literal: String, rendered: String) throws {
        #expect(try #require(CQLInet(literal)).description == rendered)
    }

    @Test func uuidText() throws {
        let uuid = try #require(CQLUUID("123E4567-E89B-12D3-A456-426614174000"))
        #expect(uuid.description == "123e4567-e89b-12d3-a456-426614174000")
        #expect(uuid.version == 1)
        #expect(CQLUUID("123e4567e89b12d3a456426614174000") == nil)
        #expect(CQLUUID("123e4567-e89b-12d3-a456-42661417400g") == nil)
    }

    @Test func consistencyNamesAndCodes() {
        #expect(CQLConsistency.allCases.map(\.rawValue) == Array(0...10))
        #expect(CQLConsistency(name: "local_one") == .localOne)
        #expect(CQLConsistency.eachQuorum.name == "EACH_QUORUM")
        #expect(CQLConsistency(name: "NONE") == nil)
    }
}
