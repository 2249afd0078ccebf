/// Why bytes on a node-to-node connection are not a valid frame. Each case carries what was seen,
/// for the log line that explains why the connection was closed.
///
/// Any of these ends the connection: after a bad header the position of the next frame is
/// unknown, and a bad payload checksum means the stream or a peer's memory is damaged, so nothing
/// more from it is trusted.
public enum InternodeFrameError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The frame did not start with `InternodeProtocol.magic`; `seen` holds the bytes that were
    /// there (fewer than 4 when a mismatch was visible early).
    case badMagic(seen: [UInt8])
    case unsupportedVersion(UInt8, supported: ClosedRange<UInt8>)
    /// `expected` is the checksum stored in the frame, `actual` the one computed over the bytes.
    case headerChecksumMismatch(expected: UInt32, actual: UInt32)
    /// A flags byte that is none of the `InternodeFrameKind` values.
    case invalidFlags(UInt8)
    case payloadTooLarge(length: UInt32, limit: Int)
    case payloadChecksumMismatch(expected: UInt32, actual: UInt32)

    public var description: String {
        switch self {
        case .badMagic(let seen):
            "bad magic \(hexBytes(seen)) (expected \(hexBytes(InternodeProtocol.magic))): not a Basalt node"
        case .unsupportedVersion(let version, let supported):
            "unsupported internode protocol version \(version) "
                + "(supported \(supported.lowerBound)...\(supported.upperBound))"
        case .headerChecksumMismatch(let expected, let actual):
            "header checksum mismatch: frame says \(hexWord(expected)), bytes give \(hexWord(actual))"
        case .invalidFlags(let flags):
            "invalid frame flags 0x\(hexBytes([flags]))"
        case .payloadTooLarge(let length, let limit):
            "payload of \(length) bytes exceeds the limit of \(limit) bytes"
        case .payloadChecksumMismatch(let expected, let actual):
            "payload checksum mismatch: frame says \(hexWord(expected)), bytes give \(hexWord(actual))"
        }
    }
}

func hexBytes(_ bytes: [UInt8]) -> String {
    bytes.map { $0 < 0x10 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined(separator: " ")
}

func hexWord(_ value: UInt32) -> String {
    let digits = String(value, radix: 16)
    return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
}
