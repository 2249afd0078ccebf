import BasaltTestSupport
import Testing
@testable import BasaltCore

/// Vectors from the Python driver's murmur3 (identical to Cassandra's Murmur3Partitioner), including the
/// signed-tail quirk (`808080`, `80…90`) and a composite key.
@Suite struct Murmur3Tests {
    static let vectors: [(String, Int64)] = [
        ("00000001", -4_069_959_284_402_364_209),
        ("0000000000000001", 6_292_367_497_774_912_474),
        ("68656c6c6f", -3_758_069_500_696_749_310),
        ("808080", -4_389_534_605_726_297_977),
        ("808182838485868788898a8b8c8d8e8f90", -3_616_694_464_407_856_223),
        ("6162636465666768696a6b6c6d6e6f7071", 8_459_014_091_212_432_983),
        ("000400000001000001610" + "0", 6_516_349_416_904_725_244),
        ("ff", -4_442_228_696_663_692_417),
    ]

    static func bytes(_ hex: String) -> [UInt8] { hexBytes(hex) }

    @Test(arguments: vectors)
    func tokenMatchesCassandra(hex: String, token: Int64) {
        #expect(Murmur3.token(Self.bytes(hex)) == token)
    }

    @Test func emptyKeyIsMinimumToken() {
        #expect(Murmur3.token([]) == Int64.min)
    }
}
