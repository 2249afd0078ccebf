/// An arbitrary-precision integer in the wire form of `varint` (spec §6.23): minimal big-endian
/// two's complement bytes. Basalt stores and compares these bytes rather than pulling in a
/// BigInt library; conversions to and from decimal text are provided for literals and display.
public struct CQLVarint: Hashable, Sendable, CustomStringConvertible {
    /// Minimal two's complement, never empty (`0` is `[0x00]`).
    public let bytes: [UInt8]

    /// Accepts any non-empty two's complement encoding and normalizes it to the minimal form,
    /// as Java's `new BigInteger(bytes)` does.
    public init?(twosComplement bytes: [UInt8]) {
        guard !bytes.isEmpty else { return nil }
        var start = 0
        // A leading 0x00 before a byte < 0x80 (or 0xFF before a byte >= 0x80) is redundant.
        while start < bytes.count - 1 {
            let (lead, next) = (bytes[start], bytes[start + 1])
            guard (lead == 0x00 && next < 0x80) || (lead == 0xFF && next >= 0x80) else { break }
            start += 1
        }
        self.bytes = Array(bytes[start...])
    }

    public init(_ value: Int64) {
        let raw = (0..<8).map { UInt8(truncatingIfNeeded: value >> (56 - 8 * $0)) }
        self.init(twosComplement: raw)!
    }

    /// Parses optionally signed decimal digits of any length (up to `maximumDigits`).
    public init?(decimal text: some StringProtocol) {
        var digits = Substring(text)
        var negative = false
        if let sign = digits.first, sign == "-" || sign == "+" {
            negative = sign == "-"
            digits = digits.dropFirst()
        }
        guard !digits.isEmpty, digits.count <= CQLVarint.maximumDigits, digits.utf8.allSatisfy(isDecimalDigit) else {
            return nil
        }
        var magnitude = Magnitude()
        for digit in digits.utf8 { magnitude.multiplyAdd(multiplier: 10, addend: UInt32(digit - UInt8(ascii: "0"))) }
        self.init(magnitude: magnitude, negative: negative)
    }

    /// Literal digits beyond this are refused: parsing is quadratic, and no real value needs
    /// more than the ~10^4000 this allows.
    public static let maximumDigits = 4096

    init(magnitude: Magnitude, negative: Bool) {
        // Big-endian magnitude bytes with a leading 0x00 so the sign bit starts clear.
        var bytes: [UInt8] = [0]
        for limb in magnitude.limbs.reversed() {
            bytes += [UInt8(truncatingIfNeeded: limb >> 24), UInt8(truncatingIfNeeded: limb >> 16),
                      UInt8(truncatingIfNeeded: limb >> 8), UInt8(truncatingIfNeeded: limb)]
        }
        if negative { twosComplementNegate(&bytes) }
        self.init(twosComplement: bytes)!
    }

    public var isNegative: Bool { bytes[0] >= 0x80 }

    /// The value if it fits in 64 bits.
    public var int64Value: Int64? {
        guard bytes.count <= 8 else { return nil }
        let fill: Int64 = isNegative ? -1 : 0
        return bytes.reduce(fill) { $0 << 8 | Int64($1) }
    }

    var magnitude: Magnitude {
        var positive = bytes
        if isNegative { twosComplementNegate(&positive) }
        var magnitude = Magnitude()
        for byte in positive { magnitude.multiplyAdd(multiplier: 256, addend: UInt32(byte)) }
        return magnitude
    }

    public var description: String {
        var remaining = magnitude
        var chunks: [UInt32] = []
        while !remaining.isZero { chunks.append(remaining.divide(by: 1_000_000_000)) }
        guard let top = chunks.popLast() else { return "0" }
        var text = (isNegative ? "-" : "") + String(top)
        for chunk in chunks.reversed() {
            let digits = String(chunk)
            text += String(repeating: "0", count: 9 - digits.count) + digits
        }
        return text
    }
}

/// An unsigned multi-precision integer in little-endian 32-bit limbs, just enough arithmetic for
/// decimal conversions.
struct Magnitude {
    var limbs: [UInt32] = []

    var isZero: Bool { limbs.isEmpty }

    mutating func multiplyAdd(multiplier: UInt32, addend: UInt32) {
        var carry = UInt64(addend)
        for index in limbs.indices {
            let product = UInt64(limbs[index]) * UInt64(multiplier) + carry
            limbs[index] = UInt32(truncatingIfNeeded: product)
            carry = product >> 32
        }
        if carry != 0 { limbs.append(UInt32(carry)) }
    }

    /// Divides in place and returns the remainder.
    mutating func divide(by divisor: UInt32) -> UInt32 {
        var remainder: UInt64 = 0
        for index in limbs.indices.reversed() {
            let current = remainder << 32 | UInt64(limbs[index])
            limbs[index] = UInt32(current / UInt64(divisor))
            remainder = current % UInt64(divisor)
        }
        while limbs.last == 0 { limbs.removeLast() }
        return UInt32(remainder)
    }
}

/// Negates a big-endian two's complement number in place: invert, then add one.
func twosComplementNegate(_ bytes: inout [UInt8]) {
    var carry = true
    for index in bytes.indices.reversed() {
        let inverted = ~bytes[index]
        (bytes[index], carry) = carry ? inverted.addingReportingOverflow(1) : (inverted, false)
    }
}

func isDecimalDigit(_ char: UInt8) -> Bool {
    char >= UInt8(ascii: "0") && char <= UInt8(ascii: "9")
}
