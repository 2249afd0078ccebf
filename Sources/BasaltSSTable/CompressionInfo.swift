import BasaltCore

/// Where each chunk of the Data stream is: what turns an uncompressed stream position (the unit of
/// the Index) into a file region. Position p lives in chunk p / chunkSize; chunk i's frame spans
/// `offsets[i] ..< offsets[i + 1]` of the Data file (the last offset is the file's size).
struct CompressionInfo: Hashable, Sendable {
    var chunkSize: Int
    var compressed: Bool
    var uncompressedLength: Int
    var offsets: [Int]

    var chunkCount: Int { offsets.count - 1 }

    func chunkLength(_ index: Int) -> Int { min(chunkSize, uncompressedLength - index * chunkSize) }

    func frameRange(_ index: Int) -> Range<Int> { offsets[index]..<offsets[index + 1] }

    func encoded() -> [UInt8] {
        var w = ByteWriter(capacity: 32 + offsets.count * 8)
        w.write(bigEndian: UInt32(chunkSize))
        w.write(compressed ? ChunkCodec.lz4 : ChunkCodec.raw)
        w.write(bigEndian: UInt64(uncompressedLength))
        w.write(bigEndian: UInt32(chunkCount))
        for offset in offsets { w.write(bigEndian: UInt64(offset)) }
        return ComponentFrame.wrap(magic: ComponentFrame.compressionMagic, body: w.bytes)
    }

    /// Decodes and validates against the Data file's size: offsets start at 0, grow by at least a
    /// frame's overhead and at most a maximal frame, and end exactly at the end of the file.
    static func decode(_ bytes: [UInt8], path: String, dataFileSize: Int) throws -> CompressionInfo {
        try ComponentFrame.decode(bytes, magic: ComponentFrame.compressionMagic, path: path) { r throws(DecodeError) in
            let chunkSizeOffset = r.offset
            let chunkSize = Int(try r.read(UInt32.self, "chunk size"))
            guard chunkSize >= SSTableFormat.minimumChunkSize && chunkSize <= SSTableFormat.maximumChunkSize else {
                throw DecodeError.malformed(what: "chunk size \(chunkSize)", offset: chunkSizeOffset)
            }
            let algorithmOffset = r.offset
            let algorithm = try r.readByte("compression algorithm")
            guard algorithm <= ChunkCodec.lz4 else { throw DecodeError.malformed(what: "algorithm \(algorithm)", offset: algorithmOffset) }
            let lengthOffset = r.offset
            let length = try r.read(UInt64.self, "uncompressed length")
            guard length <= UInt64(Int.max / 2) else { throw DecodeError.malformed(what: "uncompressed length \(length)", offset: lengthOffset) }
            let countOffset = r.offset
            let count = Int(try r.read(UInt32.self, "chunk count"))
            let expectedCount = (Int(length) + chunkSize - 1) / chunkSize
            guard count == expectedCount else {
                throw DecodeError.malformed(what: "chunk count \(count) (length \(length) needs \(expectedCount))", offset: countOffset)
            }
            guard (count + 1) * 8 <= r.remaining else { throw DecodeError.truncated(what: "chunk offsets", offset: r.offset, needed: (count + 1) * 8) }
            var offsets = [Int]()
            offsets.reserveCapacity(count + 1)
            let maximumFrame = ChunkCodec.maximumFrameLength(chunkSize: chunkSize)
            for i in 0...count {
                let at = r.offset
                let offset = Int(truncatingIfNeeded: try r.read(UInt64.self, "chunk offset"))
                let previous = offsets.last ?? 0
                let valid = offset >= 0
                    && (i == 0 ? offset == 0 : (offset - previous >= ChunkCodec.overhead && offset - previous <= maximumFrame))
                guard valid else { throw DecodeError.malformed(what: "chunk offset \(offset) of chunk \(i)", offset: at) }
                offsets.append(offset)
            }
            guard offsets[count] == dataFileSize else {
                throw DecodeError.malformed(what: "chunks end at \(offsets[count]) but the Data file has \(dataFileSize) bytes", offset: r.offset - 8)
            }
            return CompressionInfo(chunkSize: chunkSize, compressed: algorithm == ChunkCodec.lz4,
                                   uncompressedLength: Int(length), offsets: offsets)
        }
    }
}
