import BasaltCQLProtocol
import Foundation
import Testing

@testable import BasaltClient

/// Every CQL type Basalt supports, bound from its Swift type to a marker of that type, serialized,
/// read back from the bytes and converted to the Swift type again.
@Suite struct ValueBindingTests {
    static let uuid1 = CQLUUID("123e4567-e89b-12d3-a456-426614174000")!
    static let udt = CQLUserType(keyspace: "ks", name: "point", fields: [.init(name: "x", type: .int), .init(name: "label", type: .text)])

    /// A value, the marker type it binds to, and a check that reading it back gives it again.
    struct Case: Sendable, CustomTestStringConvertible {
        let value: any CQLEncodable
        let type: CQLDataType
        let roundTrips: @Sendable (CQLValue) throws -> Bool
        var testDescription: String { "\(value) as \(type)" }
    }

    static func exact<T: CQLEncodable & CQLDecodable & Equatable>(_ value: T, _ type: CQLDataType) -> Case {
        Case(value: value, type: type) { try T(cqlValue: $0) == value }
    }

    static let cases: [Case] = [
        exact("héllo", .text), exact("abc", .ascii), exact(true, .boolean),
        exact(Int8(-128), .tinyint), exact(Int16(-32768), .smallint), exact(Int32.min, .int), exact(Int64.max, .bigint),
        exact(Int64(-7), .counter), exact(Float(1.5), .float), exact(-0.25, .double),
        exact(CQLVarint(decimal: "123456789012345678901234567890")!, .varint),
        exact(CQLDecimal("-1.50")!, .decimal),
        exact(Data([0, 1, 0xFF]), .blob), exact(Data(), .blob),
        exact(UUID(uuidString: "123E4567-E89B-42D3-A456-426614174000")!, .uuid), exact(uuid1, .timeuuid),
        exact(CQLInet("10.0.0.1")!, .inet), exact(CQLInet("2001:db8::1")!, .inet),
        exact(CQLDate(daysSinceEpoch: -1), .date), exact(CQLDate(daysSinceEpoch: 19_000), .date),
        exact(CQLTime(hour: 23, minute: 59, second: 59, nanosecond: 999_999_999)!, .time),
        exact(Date(timeIntervalSince1970: 1_700_000_000.5), .timestamp),
        exact(CQLDuration(months: 1, days: 2, nanoseconds: 3)!, .duration),
        exact([Int32(1), 2, 3], .list(.int)), exact(Set(["a", "b"]), .set(.text)),
        exact(["k": [1.5, 2.5]], .map(key: .text, value: .list(.double))),
        exact([Int32(7): Set([true])], .map(key: .int, value: .set(.boolean))),
        exact(Optional<Int32>.none, .int), exact(Optional("x"), .text),
        exact(CQLValue.tuple([.int(1), .null, .text("z")]), .tuple([.int, .bigint, .text])),
        exact(CQLValue.udt([.int(3), .text("p")]), .udt(udt)),
        exact([CQLValue.tuple([.int(1), .text("a")])], .list(.tuple([.int, .text]))),
    ]

    @Test(arguments: cases)
    func bindSerializeDeserializeRoundTrips(_ testCase: Case) throws {
        let bound = try testCase.value.cqlValue.bound(as: testCase.type)
        let bytes: [UInt8]?
        switch bound {
        case .bytes(let serialized): bytes = serialized
        case .null: bytes = nil
        case .unset:
            Issue.record("bound as unset")
            return
        }
        let decoded = try CQLValue.deserialize(bytes: bytes, type: testCase.type)
        #expect(try testCase.roundTrips(decoded))
    }

    /// Values bound to a marker of another type: converted when exact, refused otherwise.
    static let conversions: [(CQLValue, CQLDataType, CQLValue?)] = [
        (.bigint(1), .int, .int(1)),  // a Swift Int literal for an int column
        (.bigint(300), .tinyint, nil),  // does not fit
        (.bigint(5), .varint, .varint(CQLVarint(5))),
        (.int(5), .decimal, .decimal(CQLDecimal(unscaled: CQLVarint(5), scale: 0))),
        (.bigint(1_700_000_000_000), .timestamp, .timestamp(1_700_000_000_000)),
        (.bigint(3), .double, .double(3)),
        (.double(0.5), .float, .float(0.5)),
        (.float(0.5), .double, .double(0.5)),
        (.text("abc"), .ascii, .ascii("abc")),
        (.list([.bigint(1)]), .set(.int), .set([.int(1)])),
        (.set([.text("a")]), .list(.text), .list([.text("a")])),
        (.map([CQLMapEntry(key: .text("a"), value: .bigint(2))]), .map(key: .text, value: .smallint),
         .map([CQLMapEntry(key: .text("a"), value: .smallint(2))])),
        (.uuid(uuid1), .timeuuid, .timeuuid(uuid1)),
        (.text("1"), .int, nil),
        (.boolean(true), .int, nil),
        (.double(1.5), .int, nil),
        (.tuple([.int(1)]), .tuple([.int, .int]), nil),
    ]

    @Test(arguments: conversions)
    func convertsOnlyWhenExactOrCustomary(value: CQLValue, type: CQLDataType, expected: CQLValue?) {
        let converted = try? value.converted(to: type)
        #expect(converted == expected)
    }

    /// Simple statements send values in their own types.
    @Test func simpleStatementsInferTypes() throws {
        let statement = Statement("INSERT", Int32(1), 2, "x", [Int16(1)], Optional<Int32>.none)
        guard case .positional(let values)? = try statement.wireValues() else { Issue.record("no values"); return }
        #expect(values == [.bytes([0, 0, 0, 1]), .bytes([0, 0, 0, 0, 0, 0, 0, 2]), .bytes([0x78]),
                           .bytes([0, 0, 0, 1, 0, 0, 0, 2, 0, 1]), .null])
    }

    @Test func readingNeverNarrows() {
        #expect(throws: BasaltClientError.self) { try Int32(cqlValue: .bigint(1)) }
        #expect(throws: BasaltClientError.self) { try Int32(cqlValue: .null) }
        #expect((try? Int64(cqlValue: .int(-5))) == -5)
        #expect((try? Int32?(cqlValue: .empty)) == .some(nil))
        #expect((try? [String](cqlValue: .null)) == [])
    }
}
