/// An arbitrary-precision decimal, `unscaled × 10^-scale` (spec §6.6), like Java's BigDecimal.
public struct CQLDecimal: Hashable, Sendable, CustomStringConvertible {
    public var unscaled: CQLVarint
    public var scale: Int32

    public init(unscaled: CQLVarint, scale: Int32) {
        self.unscaled = unscaled
        self.scale = scale
    }

    /// Parses `[-+]digits[.digits][(e|E)[-+]digits]` the way `new BigDecimal(String)` does: the
    /// scale is the number of fraction digits minus the exponent, so `1.50` keeps scale 2.
    public init?(_ text: some StringProtocol) {
        var mantissa = Substring(text)
        var exponent: Int64 = 0
        if let marker = mantissa.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            let exponentText = mantissa[mantissa.index(after: marker)...]
            let digits = exponentText.first == "-" || exponentText.first == "+" ? exponentText.dropFirst() : exponentText
            guard !digits.isEmpty, digits.count <= 10, digits.utf8.allSatisfy(isDecimalDigit),
                let value = Int64(exponentText)
            else { return nil }
            exponent = value
            mantissa = mantissa[..<marker]
        }
        var sign = ""
        if let first = mantissa.first, first == "-" || first == "+" {
            sign = first == "-" ? "-" : ""
            mantissa = mantissa.dropFirst()
        }
        let parts = mantissa.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let integral = parts[0]
        let fraction = parts.count == 2 ? parts[1] : ""
        guard !(integral.isEmpty && fraction.isEmpty),
            integral.utf8.allSatisfy(isDecimalDigit), fraction.utf8.allSatisfy(isDecimalDigit),
            let unscaled = CQLVarint(decimal: sign + integral + fraction)
        else { return nil }
        let scale = Int64(fraction.count) - exponent
        guard let scale32 = Int32(exactly: scale) else { return nil }
        self.init(unscaled: unscaled, scale: scale32)
    }

    /// Plain notation (`-12.340`, `1200` for scale -2), which every CQL client parses back.
    public var description: String {
        var digits = unscaled.description
        let negative = digits.hasPrefix("-")
        if negative { digits.removeFirst() }
        let sign = negative ? "-" : ""
        if scale <= 0 {
            return sign + digits + String(repeating: "0", count: digits == "0" ? 0 : Int(-Int64(scale)))
        }
        let scale = Int(scale)
        if digits.count <= scale { digits = String(repeating: "0", count: scale - digits.count + 1) + digits }
        let point = digits.index(digits.endIndex, offsetBy: -scale)
        return sign + digits[..<point] + "." + digits[point...]
    }
}
