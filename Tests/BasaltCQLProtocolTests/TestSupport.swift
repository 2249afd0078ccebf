import NIOCore

@testable import BasaltCQLProtocol

/// Golden bytes written readably: hex digit pairs, with 'quoted' runs as their ASCII bytes.
/// Whitespace is ignored. `bytes("0005 'hello'")` is [0, 5, 104, 101, 108, 108, 111].
func bytes(_ spec: String) -> [UInt8] {
    var result: [UInt8] = []
    var pendingNibble: UInt8?
    var inQuote = false
    for scalar in spec.unicodeScalars {
        if scalar == "'" {
            inQuote.toggle()
            continue
        }
        if inQuote {
            result += Array(String(scalar).utf8)
            continue
        }
        guard !scalar.properties.isWhitespace else { continue }
        let nibble = hexValue(UInt8(ascii: scalar))!
        if let high = pendingNibble {
            result.append(high << 4 | nibble)
            pendingNibble = nil
        } else {
            pendingNibble = nibble
        }
    }
    precondition(pendingNibble == nil && !inQuote, "odd hex digits or open quote in \(spec)")
    return result
}

func buffer(_ spec: String) -> ByteBuffer { ByteBuffer(bytes: bytes(spec)) }

extension ByteBuffer {
    var allBytes: [UInt8] { Array(readableBytesView) }
}

func hexString(_ bytes: [UInt8]) -> String {
    bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
}

/// Encodes a response as an uncompressed frame.
func encoded(_ response: CQLResponseFrame) -> [UInt8] {
    var out = ByteBuffer()
    CQLFrameEncoder().encode(response, into: &out)
    return out.allBytes
}

func encoded(_ request: CQLRequestFrame) -> [UInt8] {
    var out = ByteBuffer()
    CQLFrameEncoder().encode(request, into: &out)
    return out.allBytes
}

/// Decodes exactly one frame from `bytes` in the given direction.
func decodeSingleFrame(_ bytes: [UInt8], direction: CQLFrameDirection, compression: CQLCompression? = nil) throws -> CQLFrame {
    var decoder = CQLFrameDecoder(configuration: .init(direction: direction), compression: compression)
    let frames = try decoder.decode(ByteBuffer(bytes: bytes))
    guard frames.count == 1, decoder.bufferedByteCount == 0 else {
        throw UnexpectedFraming(frames: frames.count, leftover: decoder.bufferedByteCount)
    }
    return frames[0]
}

struct UnexpectedFraming: Error {
    var frames: Int
    var leftover: Int
}

