/// Bytes from hex digits, for golden vectors written as text ("0001ff" → [0x00, 0x01, 0xFF]).
/// Spaces are skipped so a vector may be grouped by field. Test input only: a stray character traps.
public func hexBytes(_ hex: String) -> [UInt8] {
    let digits = Array(hex.filter { $0 != " " })
    precondition(digits.count % 2 == 0, "odd number of hex digits in \(hex)")
    return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(digits[$0...$0 + 1]), radix: 16)! }
}
