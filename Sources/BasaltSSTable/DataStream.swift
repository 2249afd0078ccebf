import BasaltCore

/// The uncompressed Data stream of one SSTable, read chunk by chunk: position p is byte
/// `p % chunkSize` of chunk `p / chunkSize`. Chunks come from the block cache or are read with pread,
/// checked and decompressed.
struct DataStream: Sendable {
    let file: ComponentFile
    let info: CompressionInfo
    let cache: BlockCache?
    let cacheID: UInt64

    /// Chunk `index`, through the cache (for point reads: what was read once is likely read again).
    func chunk(_ index: Int) throws -> [UInt8] {
        let key = BlockCache.Key.dataChunk(cacheID, index)
        if let cached = cache?.get(key) { return cached }
        let range = info.frameRange(index)
        let frame = try file.read(count: range.count, at: range.lowerBound)
        let chunk = try frame.withUnsafeBytes { try decode(index, frame: $0) }
        cache?.insert(key, chunk)
        return chunk
    }

    func decode(_ index: Int, frame: UnsafeRawBufferPointer) throws -> [UInt8] {
        try ChunkCodec.decode(frame, expectedLength: info.chunkLength(index), chunkIndex: index,
                              path: file.path, fileOffset: info.offsets[index])
    }

    /// The stream bytes `position ..< position + count` as `buffer[start ..< start + count]`: the
    /// cached chunk itself when the range lies in one chunk (no copy), else a fresh concatenation.
    static func bytes(at position: Int, count: Int, chunkSize: Int,
                      chunk: (Int) throws -> [UInt8]) throws -> (buffer: [UInt8], start: Int) {
        precondition(count > 0, "empty stream range")
        let first = position / chunkSize
        let last = (position + count - 1) / chunkSize
        if first == last { return (try chunk(first), position - first * chunkSize) }
        var out = [UInt8]()
        out.reserveCapacity(count)
        for i in first...last {
            let c = try chunk(i)
            let base = i * chunkSize
            let lo = max(position, base) - base
            let hi = min(position + count, base + chunkSize) - base
            out.append(contentsOf: c[lo..<hi])
        }
        return (out, 0)
    }

    /// A decode error at stream position `position`, reported against the chunk frame holding it.
    func corruption(at position: Int, _ error: DecodeError) -> SSTableCorruption {
        let chunk = min(position / info.chunkSize, info.chunkCount - 1)
        return SSTableCorruption(path: file.path, offset: info.offsets[max(chunk, 0)],
                                 reason: "chunk \(chunk), stream position \(position): \(error)")
    }
}

/// Sequential reads of a file through a large read-ahead window, so a scan issues one pread per
/// MiB instead of one per chunk or segment.
final class FileWindow {
    let file: ComponentFile
    let fileSize: Int
    private var window: [UInt8] = []
    private var windowStart = 0

    static let readAhead = 1 << 20

    init(file: ComponentFile, fileSize: Int) {
        self.file = file
        self.fileSize = fileSize
        file.adviseSequential()
    }

    /// The file bytes `range` (which the caller bounded by `fileSize`).
    func bytes(_ range: Range<Int>) throws -> ArraySlice<UInt8> {
        if range.lowerBound < windowStart || range.upperBound > windowStart + window.count {
            let count = min(max(Self.readAhead, range.count), fileSize - range.lowerBound)
            window = try file.read(count: count, at: range.lowerBound)
            windowStart = range.lowerBound
        }
        return window[(range.lowerBound - windowStart)..<(range.upperBound - windowStart)]
    }
}
