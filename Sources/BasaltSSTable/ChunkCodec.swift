import BasaltCore
import CLZ4

/// One chunk of the Data stream as stored on disk, a *frame*:
///
///     kind: u8 (0 = raw, 1 = lz4) | payload | crc32c(kind + payload): u32 big-endian
///
/// The chunk is stored raw when lz4 does not make it smaller (already-compressed values), so a reader
/// never pays decompression for nothing and a frame is never bigger than chunk + 5 bytes. The CRC
/// covers the kind byte too, so a flipped kind is caught like any other flipped bit.
enum ChunkCodec {
    static let raw: UInt8 = 0
    static let lz4: UInt8 = 1
    static let overhead = 5

    /// The largest frame a chunk of `chunkSize` bytes can produce.
    static func maximumFrameLength(chunkSize: Int) -> Int { chunkSize + overhead }

    /// Frames chunks for a writer; owns the scratch buffer lz4 compresses into, so framing a chunk
    /// allocates nothing.
    struct Encoder {
        private let compress: Bool
        private var scratch: [UInt8]

        init(chunkSize: Int, compress: Bool) {
            self.compress = compress
            scratch = [UInt8](repeating: 0, count: 1 + Int(LZ4_compressBound(Int32(chunkSize))) + 4)
        }

        /// Appends the frame of `chunk` to `out`.
        mutating func appendFrame(of chunk: UnsafeRawBufferPointer, to out: ComponentWriter) throws {
            let compressedLength = compress ? compressIntoScratch(chunk) : 0
            let frameLength: Int
            if compressedLength > 0 && compressedLength < chunk.count {
                scratch[0] = ChunkCodec.lz4
                frameLength = 1 + compressedLength
            } else {
                scratch[0] = ChunkCodec.raw
                scratch.withUnsafeMutableBytes { s in
                    s.baseAddress!.advanced(by: 1).copyMemory(from: chunk.baseAddress!, byteCount: chunk.count)
                }
                frameLength = 1 + chunk.count
            }
            try scratch.withUnsafeMutableBytes { s in
                let crc = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: s[0..<frameLength]))
                s.storeBytes(of: crc.bigEndian, toByteOffset: frameLength, as: UInt32.self)
                try out.append(UnsafeRawBufferPointer(rebasing: s[0..<(frameLength + 4)]))
            }
        }

        /// lz4 into scratch[1...]; 0 when lz4 gave up.
        private mutating func compressIntoScratch(_ chunk: UnsafeRawBufferPointer) -> Int {
            scratch.withUnsafeMutableBytes { s in
                let capacity = Int32(s.count - 5)
                return Int(LZ4_compress_default(chunk.baseAddress!.assumingMemoryBound(to: CChar.self),
                                                s.baseAddress!.advanced(by: 1).assumingMemoryBound(to: CChar.self),
                                                Int32(chunk.count), capacity))
            }
        }
    }

    /// Verifies and decodes a frame read from `path` at `fileOffset` into the `expectedLength` bytes
    /// of chunk `chunkIndex`.
    static func decode(_ frame: UnsafeRawBufferPointer, expectedLength: Int, chunkIndex: Int,
                       path: String, fileOffset: Int) throws -> [UInt8] {
        func corrupt(_ reason: String) -> SSTableCorruption {
            SSTableCorruption(path: path, offset: fileOffset, reason: "chunk \(chunkIndex): \(reason)")
        }
        guard frame.count >= overhead else { throw corrupt("frame of \(frame.count) bytes is shorter than \(overhead)") }
        let bodyLength = frame.count - 4
        let stored = UInt32(bigEndian: frame.loadUnaligned(fromByteOffset: bodyLength, as: UInt32.self))
        let actual = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: frame[0..<bodyLength]))
        guard stored == actual else { throw corrupt("checksum mismatch: stored \(hex32(stored)), computed \(hex32(actual))") }
        let payload = UnsafeRawBufferPointer(rebasing: frame[1..<bodyLength])
        switch frame[0] {
        case raw:
            guard payload.count == expectedLength else {
                throw corrupt("raw chunk holds \(payload.count) bytes, expected \(expectedLength)")
            }
            return [UInt8](payload)
        case lz4:
            return try [UInt8](unsafeUninitializedCapacity: expectedLength) { out, initialized in
                let n = LZ4_decompress_safe(payload.baseAddress!.assumingMemoryBound(to: CChar.self),
                                            UnsafeMutableRawPointer(out.baseAddress!).assumingMemoryBound(to: CChar.self),
                                            Int32(payload.count), Int32(expectedLength))
                guard n == expectedLength else {
                    throw corrupt("lz4 decoded \(n) bytes, expected \(expectedLength)")
                }
                initialized = Int(n)
            }
        default:
            throw corrupt("unknown chunk kind \(frame[0])")
        }
    }
}
