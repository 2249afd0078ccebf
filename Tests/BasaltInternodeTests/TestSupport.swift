import BasaltInternode
import NIOCore

/// Golden bytes written readably: pairs of hex digits, 'quoted' runs as their ASCII bytes,
/// whitespace ignored. `bytes("0004 'test'")` is [0, 4, 116, 101, 115, 116].
func bytes(_ spec: String) -> [UInt8] {
    var result: [UInt8] = []
    var highNibble: UInt8?
    var inQuote = false
    for scalar in spec.unicodeScalars {
        if scalar == "'" {
            inQuote.toggle()
        } else if inQuote {
            result += Array(String(scalar).utf8)
        } else if !scalar.properties.isWhitespace {
            let nibble = UInt8(String(scalar), radix: 16)!
            if let high = highNibble {
                result.append(high << 4 | nibble)
                highNibble = nil
            } else {
                highNibble = nibble
            }
        }
    }
    precondition(highNibble == nil && !inQuote, "odd hex digits or an open quote in \(spec)")
    return result
}

func encoded(_ frame: InternodeFrame) -> [UInt8] {
    var buffer = ByteBuffer()
    buffer.writeInternodeFrame(frame)
    return Array(buffer.readableBytesView)
}

/// Every frame in `bytes`, which must end exactly after the last one.
func decodeAll(_ bytes: [UInt8], decoder: InternodeFrameDecoder = InternodeFrameDecoder()) throws -> [InternodeFrame] {
    var buffer = ByteBuffer(bytes: bytes)
    var frames: [InternodeFrame] = []
    while let frame = try decoder.readFrame(from: &buffer) { frames.append(frame) }
    precondition(buffer.readableBytes == 0, "\(buffer.readableBytes) bytes left after the last frame")
    return frames
}

let testHostID = InternodeHostID(high: 0x0011_2233_4455_6677, low: 0x8899_AABB_CCDD_EEFF)
