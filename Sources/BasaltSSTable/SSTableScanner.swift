import BasaltCore

/// Iterates an SSTable's partitions in key order, streaming: it walks the Index segment by segment
/// and the Data chunk by chunk through read-ahead windows, so memory holds one window of each, one
/// chunk and the current partition, whatever the table's size. For compaction and token-order scans.
///
/// Not thread-safe (one scanner, one thread); many scanners may share one reader.
public final class SSTableScanner {
    public let reader: SSTableReader
    private let fillCache: Bool
    private var lowerBound: PartitionKey?
    private var segment: Int
    private var cursor: IndexSegmentCursor?
    private let indexWindow: FileWindow
    private let dataWindow: FileWindow
    private var currentChunkIndex = -1
    private var currentChunk: [UInt8] = []

    init(reader: SSTableReader, from: PartitionKey?, fillCache: Bool) {
        self.reader = reader
        self.fillCache = fillCache
        lowerBound = from
        segment = from.flatMap { reader.summary.segment(for: $0) } ?? 0
        indexWindow = FileWindow(file: reader.indexFile, fileSize: reader.summary.segmentOffsets.last!)
        dataWindow = FileWindow(file: reader.data.file, fileSize: reader.data.info.offsets.last!)
    }

    /// The next partition, or nil after the last.
    public func next() throws -> PartitionUpdate? {
        while true {
            guard let entry = try nextEntry() else { return nil }
            if let bound = lowerBound {
                if entry.key < bound { continue }
                lowerBound = nil
            }
            return try reader.readPartition(entry, slice: .all) { try chunk($0) }
        }
    }

    private func nextEntry() throws -> IndexEntry? {
        while true {
            if cursor != nil, let entry = try cursor!.next() { return entry }
            guard segment < reader.summary.segmentCount else { return nil }
            let range = reader.summary.segmentRange(segment)
            let path = reader.indexFile.path
            guard range.count <= SSTableFormat.maximumIndexSegmentSize else {
                throw SSTableCorruption(path: path, offset: range.lowerBound, reason: "index segment of \(range.count) bytes")
            }
            let frame = Array(try indexWindow.bytes(range))
            try IndexSegment.verify(frame, path: path, fileOffset: range.lowerBound, interval: reader.summary.interval)
            cursor = IndexSegment.cursor(frame, path: path, fileOffset: range.lowerBound,
                                         streamLength: reader.data.info.uncompressedLength)
            segment += 1
        }
    }

    /// Chunk `index`: the one in hand, a cached one, or the next frame of the read-ahead window.
    private func chunk(_ index: Int) throws -> [UInt8] {
        if index == currentChunkIndex { return currentChunk }
        let stream = reader.data
        let key = BlockCache.Key.dataChunk(stream.cacheID, index)
        if let cached = stream.cache?.get(key) {
            currentChunk = cached
        } else {
            currentChunk = try dataWindow.bytes(stream.info.frameRange(index)).withUnsafeBytes { try stream.decode(index, frame: $0) }
            if fillCache { stream.cache?.insert(key, currentChunk) }
        }
        currentChunkIndex = index
        return currentChunk
    }
}
