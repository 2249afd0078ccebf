/// A 16-byte RFC 4122 uuid, for both `uuid` and `timeuuid` values and the tracing id.
/// Stored as two big-endian halves so it is cheap to compare and hash.
public struct CQLUUID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var high: UInt64
    public var low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    public init(bytes: [UInt8]) {
        precondition(bytes.count == 16, "a uuid is 16 bytes, got \(bytes.count)")
        high = bytes[0..<8].reduce(0) { $0 << 8 | UInt64($1) }
        low = bytes[8..<16].reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// Parses the canonical `8-4-4-4-12` hex form, case-insensitively, as Cassandra's lexer accepts it.
    public init?(_ text: String) {
        let utf8 = Array(text.utf8)
        guard utf8.count == 36 else { return nil }
        var value: (UInt64, UInt64) = (0, 0)
        var digits = 0
        for (offset, char) in utf8.enumerated() {
            if offset == 8 || offset == 13 || offset == 18 || offset == 23 {
                guard char == UInt8(ascii: "-") else { return nil }
                continue
            }
            guard let nibble = hexValue(char) else { return nil }
            if digits < 16 { value.0 = value.0 << 4 | UInt64(nibble) } else { value.1 = value.1 << 4 | UInt64(nibble) }
            digits += 1
        }
        self.init(high: value.0, low: value.1)
    }

    public var bytes: [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: high >> (56 - 8 * $0)) }
            + (0..<8).map { UInt8(truncatingIfNeeded: low >> (56 - 8 * $0)) }
    }

    /// The version nibble (1 for time-based uuids, which `timeuuid` requires).
    public var version: Int { Int((high >> 12) & 0xF) }

    public var description: String {
        let hex = bytes.map { byte in
            let digits = String(byte, radix: 16)
            return digits.count == 1 ? "0" + digits : digits
        }.joined()
        let chars = Array(hex)
        return [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(chars[$0]) }.joined(separator: "-")
    }

    public static func < (lhs: CQLUUID, rhs: CQLUUID) -> Bool {
        (lhs.high, lhs.low) < (rhs.high, rhs.low)
    }
}

/// The value of one ASCII hex digit, shared by the uuid and blob literal parsers.
func hexValue(_ char: UInt8) -> UInt8? {
    switch char {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): char - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): char - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): char - UInt8(ascii: "A") + 10
    default: nil
    }
}
