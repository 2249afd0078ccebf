import CLZ4
import NIOCore

/// Frame body compression negotiated by STARTUP's `COMPRESSION` option (spec §5). Only lz4:
/// snappy needs a library Basalt does not ship, and the python driver prefers lz4 anyway.
public enum CQLCompression: String, Hashable, Sendable, CaseIterable {
    /// Body = 4-byte big-endian uncompressed length + one raw LZ4 block.
    case lz4

    func compress(_ body: ByteBuffer) -> ByteBuffer {
        let length = body.readableBytes
        precondition(length <= Int(LZ4_MAX_INPUT_SIZE), "body of \(length) bytes is too large for lz4")
        let bound = Int(LZ4_compressBound(Int32(length)))
        var output = ByteBuffer()
        output.reserveCapacity(4 + bound)
        output.writeInteger(Int32(length))
        let written = output.writeWithUnsafeMutableBytes(minimumWritableBytes: bound) { destination in
            body.withUnsafeReadableBytes { source in
                let size = LZ4_compress_default(
                    source.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) },
                    destination.baseAddress!.assumingMemoryBound(to: CChar.self),
                    Int32(length), Int32(bound))
                // With a destination of LZ4_compressBound bytes compression cannot fail.
                precondition(size > 0 || length == 0, "LZ4_compress_default failed")
                return Int(size)
            }
        }
        assert(written <= bound)
        return output
    }

    func decompress(_ body: ByteBuffer, maximumLength: Int) throws -> ByteBuffer {
        var body = body
        guard let declared = body.readInteger(as: Int32.self) else {
            throw CQLProtocolError.decompressionFailed(declaredLength: -1, compressedLength: body.readableBytes)
        }
        let compressedLength = body.readableBytes
        guard declared >= 0, Int(declared) <= maximumLength, compressedLength > 0, compressedLength <= Int(Int32.max)
        else {
            throw CQLProtocolError.decompressionFailed(declaredLength: declared, compressedLength: compressedLength)
        }
        var output = ByteBuffer()
        var result: Int32 = -1
        // LZ4 needs a non-null destination even for an empty block, hence at least one byte.
        output.writeWithUnsafeMutableBytes(minimumWritableBytes: max(Int(declared), 1)) { destination in
            body.withUnsafeReadableBytes { source in
                result = LZ4_decompress_safe(
                    source.baseAddress!.assumingMemoryBound(to: CChar.self),
                    destination.baseAddress!.assumingMemoryBound(to: CChar.self),
                    Int32(compressedLength), declared)
            }
            return max(Int(result), 0)
        }
        // A negative result (malformed block) or a size mismatch both mean a corrupt body.
        guard result == declared else {
            throw CQLProtocolError.decompressionFailed(declaredLength: declared, compressedLength: compressedLength)
        }
        return output
    }
}
