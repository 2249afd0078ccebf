import BasaltCore
import BasaltCQL
import BasaltCQLProtocol
import Testing
@testable import BasaltQuery

@Suite struct EncodingTests {
    static func column(_ type: CQLType, descending: Bool = false) -> ColumnSchema {
        ColumnSchema(id: 1, name: "c", type: type, kind: .clustering, position: 0, descending: descending)
    }

    @Test(arguments: [
        (CQLValue.int(1), CQLType.native(.int), [0x80, 0, 0, 1] as [UInt8]),
        (.int(-1), .native(.int), [0x7F, 0xFF, 0xFF, 0xFF]),
        (.text("a\u{0}"), .native(.text), [0x61, 0, 0xFF, 0, 0]),
        (.boolean(true), .native(.boolean), [1]),
        (.double(-0.0), .native(.double), [0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]),
    ])
    func goldenBytes(value: CQLValue, type: CQLType, expected: [UInt8]) throws {
        #expect(try ClusteringEncoding.encode([value], columns: [Self.column(type)]) == expected)
    }

    @Test func compositePartitionKeyMatchesDriverRoutingKey() {
        // notes §3: (int 1, text 'a') → 0004 00000001 00 0001 61 00, token 6516349416904725244.
        let key = PartitionKeyEncoding.encode([[0, 0, 0, 1], [0x61]])
        #expect(key == [0, 4, 0, 0, 0, 1, 0, 0, 1, 0x61, 0])
        #expect(PartitionKey(key).token == 6_516_349_416_904_725_244)
        #expect(PartitionKeyEncoding.decode(key, count: 2) == [[0, 0, 0, 1], [0x61]])
    }

    @Test func md5MatchesKnownVector() {
        #expect(hexString(MD5.digest(Array("abc".utf8))) == "900150983cd24fb0d6963f7d28e17f72")
    }

    static func random(_ type: CQLType, _ rng: inout SplitMix64) -> CQLValue {
        let r = rng.next()
        switch type {
        case .native(.int): return .int(Int32(truncatingIfNeeded: r))
        case .native(.bigint): return .bigint(Int64(bitPattern: r))
        case .native(.smallint): return .smallint(Int16(truncatingIfNeeded: r))
        case .native(.tinyint): return .tinyint(Int8(truncatingIfNeeded: r))
        case .native(.timestamp): return .timestamp(Int64(bitPattern: r) >> 8)
        case .native(.double): return .double(Double(Int64(bitPattern: r) >> 12) / 1024)
        case .native(.float): return .float(Float(Int32(truncatingIfNeeded: r) >> 8) / 64)
        case .native(.text):
            return .text(String((0..<(r % 5)).map { i in Character(Unicode.Scalar(UInt8((r >> (8 * i)) % 4 + 0x60))) }))
        case .native(.blob): return .blob((0..<(r % 4)).map { i in UInt8((r >> (8 * i)) % 3) })
        case .native(.varint): return .varint(CQLVarint(Int64(bitPattern: r) >> Int64(r % 60)))
        case .native(.decimal):
            return .decimal(CQLDecimal(unscaled: CQLVarint(Int64(bitPattern: r) >> Int64(r % 60)), scale: Int32(r % 7) - 3))
        case .native(.timeuuid): return .timeuuid(TimeUUID.make(micros: Int64(r >> 8)))
        case .native(.boolean): return .boolean(r & 1 == 0)
        case .native(.date): return .date(UInt32(truncatingIfNeeded: r))
        default: return .null
        }
    }

    /// The reference order: Cassandra's comparison of the values.
    static func compare(_ a: CQLValue, _ b: CQLValue) -> Int {
        func sign<T: Comparable>(_ x: T, _ y: T) -> Int { x < y ? -1 : (x == y ? 0 : 1) }
        switch (a, b) {
        case (.int(let x), .int(let y)): return sign(x, y)
        case (.bigint(let x), .bigint(let y)), (.timestamp(let x), .timestamp(let y)): return sign(x, y)
        case (.smallint(let x), .smallint(let y)): return sign(x, y)
        case (.tinyint(let x), .tinyint(let y)): return sign(x, y)
        case (.double(let x), .double(let y)): return sign(x, y)
        case (.float(let x), .float(let y)): return sign(x, y)
        case (.text(let x), .text(let y)): return compareBytes(Array(x.utf8), Array(y.utf8))
        case (.blob(let x), .blob(let y)): return compareBytes(x, y)
        case (.varint(let x), .varint(let y)): return sign(Double(x.description)!, Double(y.description)!)
        case (.decimal(let x), .decimal(let y)): return sign(Double(x.description)!, Double(y.description)!)
        case (.timeuuid(let x), .timeuuid(let y)):
            func time(_ u: CQLUUID) -> UInt64 { (u.high & 0xFFF) << 48 | ((u.high >> 16) & 0xFFFF) << 32 | u.high >> 32 }
            return time(x) != time(y) ? sign(time(x), time(y)) : sign(x.low ^ 0x8080_8080_8080_8080, y.low ^ 0x8080_8080_8080_8080)
        case (.boolean(let x), .boolean(let y)): return sign(x ? 1 : 0, y ? 1 : 0)
        case (.date(let x), .date(let y)): return sign(x, y)
        default: return 0
        }
    }

    @Test(arguments: ["int", "bigint", "smallint", "tinyint", "timestamp", "double", "float", "text", "blob", "varint",
                      "decimal", "timeuuid", "boolean", "date"])
    func orderPreservedAndRoundTrips(typeName: String) throws {
        let type = try CQLTypeText.parse(typeName)
        var rng = SplitMix64(seed: 42)
        for descending in [false, true] {
            let column = Self.column(type, descending: descending)
            for _ in 0..<300 {
                let a = Self.random(type, &rng), b = Self.random(type, &rng)
                let ea = try ClusteringEncoding.encode([a], columns: [column])
                let eb = try ClusteringEncoding.encode([b], columns: [column])
                let expected = Self.compare(a, b) * (descending ? -1 : 1)
                #expect(compareBytes(ea, eb).signum() == expected, Comment(rawValue: "\(a) vs \(b) desc=\(descending)"))
                let decoded = try ClusteringEncoding.decode(ea, columns: [column])[0]
                #expect(Self.compare(decoded, a) == 0, Comment(rawValue: "\(a) decoded as \(decoded)"))
            }
        }
    }
}
