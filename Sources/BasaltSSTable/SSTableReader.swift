import BasaltCore
import BasaltFileSystem
import Glibc
import Synchronization

/// An open SSTable: point reads by key and clustering slice, and scanners in key order.
///
/// `open` validates the TOC against the files and loads the Summary, bloom filter, Statistics and
/// CompressionInfo into memory; the Index and Data stay on disk and are read with pread (through the
/// block cache when one is given). A reader is immutable after open, so any number of threads may
/// read through it at once. Every byte read from disk is checked (component CRCs at open, per-segment
/// and per-chunk CRCs on use) and any mismatch throws `SSTableCorruption`, never wrong data.
public final class SSTableReader: Sendable {
    public let descriptor: SSTableDescriptor
    public let metadata: SSTableMetadata
    /// Sum of the sizes of all component files, TOC included.
    public let onDiskSize: Int

    let toc: TableOfContents
    let summary: Summary
    let filter: BloomFilter
    let data: DataStream
    let indexFile: ComponentFile
    let cache: BlockCache?
    /// Unique per open reader in this process: the block cache's key for this SSTable.
    let cacheID: UInt64

    private static let nextCacheID = Atomic<UInt64>(1)

    private init(descriptor: SSTableDescriptor, metadata: SSTableMetadata, onDiskSize: Int, toc: TableOfContents,
                 summary: Summary, filter: BloomFilter, data: DataStream, indexFile: ComponentFile, cache: BlockCache?) {
        self.descriptor = descriptor
        self.metadata = metadata
        self.onDiskSize = onDiskSize
        self.toc = toc
        self.summary = summary
        self.filter = filter
        self.data = data
        self.indexFile = indexFile
        self.cache = cache
        cacheID = data.cacheID
    }

    /// Opens a complete SSTable. Throws `SSTableCorruption` when the TOC is missing (the writer never
    /// finished), malformed, or disagrees with a file's size or checksum, or when a component fails
    /// its own checks; `SSTableIOError` when a system call fails.
    public static func open(_ descriptor: SSTableDescriptor, cache: BlockCache?,
                            fileSystem: any FileSystem = PosixFileSystem()) throws -> SSTableReader {
        let tocPath = descriptor.path(.toc)
        let tocFile = try openComponent(fileSystem, tocPath, missing: "TOC missing: the SSTable is incomplete (its writer never finished)")
        let tocSize = try tocFile.size()
        guard tocSize <= SSTableFormat.maximumTOCSize else {
            throw SSTableCorruption(path: tocPath, offset: 0, reason: "TOC of \(tocSize) bytes is over the limit \(SSTableFormat.maximumTOCSize)")
        }
        let toc = try TableOfContents.decode(try tocFile.read(count: tocSize, at: 0), path: tocPath)

        /// Opens a listed component and checks its size against the TOC.
        func open(_ component: SSTableComponent) throws -> ComponentFile {
            let path = descriptor.path(component)
            let file = try openComponent(fileSystem, path, missing: "listed in the TOC but missing")
            let size = try file.size()
            let listed = toc.entries[component]!.size
            guard size == listed else {
                throw SSTableCorruption(path: path, offset: min(size, listed), reason: "file has \(size) bytes, the TOC says \(listed)")
            }
            return file
        }
        /// Reads a small component whole and checks its CRC against the TOC.
        func readWhole(_ component: SSTableComponent) throws -> [UInt8] {
            let file = try open(component)
            let entry = toc.entries[component]!
            guard entry.size <= SSTableFormat.maximumSmallComponentSize else {
                throw SSTableCorruption(path: file.path, offset: 0, reason: "\(entry.size) bytes is over the limit for a \(component.rawValue) file")
            }
            let bytes = try file.read(count: entry.size, at: 0)
            let crc = CRC32C.checksum(bytes)
            guard crc == entry.crc else {
                throw SSTableCorruption(path: file.path, offset: 0, reason: "checksum \(hex32(crc)) but the TOC says \(hex32(entry.crc))")
            }
            return bytes
        }

        let dataFile = try open(.data)
        let indexFile = try open(.index)
        let dataSize = toc.entries[.data]!.size, indexSize = toc.entries[.index]!.size
        let indexHeader = try indexFile.read(count: min(indexSize, ComponentFrame.headerLength), at: 0)
        try ComponentFrame.checkHeader(indexHeader, magic: ComponentFrame.indexMagic, path: indexFile.path)

        let compression = try CompressionInfo.decode(try readWhole(.compressionInfo), path: descriptor.path(.compressionInfo),
                                                     dataFileSize: dataSize)
        let summary = try Summary.decode(try readWhole(.summary), path: descriptor.path(.summary), indexFileSize: indexSize)
        let filter = try BloomFilter.decode(try readWhole(.filter), path: descriptor.path(.filter))
        let metadata = try SSTableMetadata.decode(try readWhole(.statistics), path: descriptor.path(.statistics))

        // Components that each passed their own checks must also agree with each other.
        let statisticsPath = descriptor.path(.statistics)
        func agree(_ ok: Bool, _ what: String) throws {
            if !ok { throw SSTableCorruption(path: statisticsPath, offset: 0, reason: "disagrees with the other components: \(what)") }
        }
        try agree(metadata.uncompressedSize == compression.uncompressedLength, "uncompressed size")
        try agree(metadata.compressedSize == dataSize, "compressed size")
        try agree(metadata.firstKey == summary.firstKey && metadata.lastKey == summary.lastKey, "first or last key")
        try agree(summary.segmentCount == (metadata.partitionCount + summary.interval - 1) / summary.interval, "partition count")

        let cacheID = nextCacheID.add(1, ordering: .relaxed).oldValue
        let onDiskSize = tocSize + SSTableComponent.listed.reduce(0) { $0 + toc.entries[$1]!.size }
        return SSTableReader(descriptor: descriptor, metadata: metadata, onDiskSize: onDiskSize, toc: toc, summary: summary,
                             filter: filter, data: DataStream(file: dataFile, info: compression, cache: cache, cacheID: cacheID),
                             indexFile: indexFile, cache: cache)
    }

    private static func openComponent(_ fileSystem: any FileSystem, _ path: String, missing: String) throws -> ComponentFile {
        do {
            return try ComponentFile(fileSystem, path: path, .read)
        } catch where error.errno == ENOENT {
            throw SSTableCorruption(path: path, offset: 0, reason: missing)
        }
    }

    /// False when this SSTable certainly does not hold `key`: outside its key range, or rejected by the
    /// bloom filter. True means "read to find out".
    public func mayContain(_ key: PartitionKey) -> Bool { mayContain(key, probe: BloomProbe(key)) }

    /// `mayContain` with the key's bloom hash computed by the caller (once for all SSTables of a read).
    public func mayContain(_ key: PartitionKey, probe: BloomProbe) -> Bool {
        !(key < metadata.firstKey) && !(metadata.lastKey < key) && filter.mayContain(probe)
    }

    /// The partition `key` restricted to `slice`: rows in the slice in ascending clustering order, the
    /// static row, the partition deletion and every range tombstone that may overlap the slice. Nil
    /// when this SSTable holds nothing for `key`.
    public func read(_ key: PartitionKey, slice: ClusteringSlice = .all, probe: BloomProbe? = nil) throws -> PartitionUpdate? {
        guard mayContain(key, probe: probe ?? BloomProbe(key)), let entry = try indexEntry(for: key) else { return nil }
        return try readPartition(entry, slice: slice) { try data.chunk($0) }
    }

    /// A scanner over the partitions in key order, from `from` (inclusive) or the first. With
    /// `fillCache`, the chunks it decompresses go into the block cache (for scans that warm it); by
    /// default a scan does not evict the working set of point reads.
    public func scanner(from: PartitionKey? = nil, fillCache: Bool = false) throws -> SSTableScanner {
        SSTableScanner(reader: self, from: from, fillCache: fillCache)
    }

    /// Reads the Data and Index files whole and checks them against the CRCs in the TOC (the per-chunk
    /// and per-segment CRCs are checked on every read anyway; this is for scrubbing).
    public func verifyChecksums() throws {
        for (component, file) in [(SSTableComponent.data, data.file), (.index, indexFile)] {
            let expected = toc.entries[component]!
            var crc: UInt32 = 0
            var offset = 0
            while offset < expected.size {
                let block = try file.read(count: min(FileWindow.readAhead, expected.size - offset), at: offset)
                crc = CRC32C.checksum(block, continuing: crc)
                offset += block.count
            }
            guard crc == expected.crc else {
                throw SSTableCorruption(path: file.path, offset: 0, reason: "checksum \(hex32(crc)) but the TOC says \(hex32(expected.crc))")
            }
        }
    }

    // MARK: internals shared with the scanner

    func indexEntry(for key: PartitionKey) throws -> IndexEntry? {
        guard let segment = summary.segment(for: key) else { return nil }
        var cursor = try segmentCursor(segment)
        return try cursor.find(key)
    }

    /// Index segment `segment`, from the cache or read and verified.
    func segmentCursor(_ segment: Int) throws -> IndexSegmentCursor {
        let range = summary.segmentRange(segment)
        let key = BlockCache.Key.indexSegment(cacheID, segment)
        let frame: [UInt8]
        if let cached = cache?.get(key) {
            frame = cached
        } else {
            guard range.count <= SSTableFormat.maximumIndexSegmentSize else {
                throw SSTableCorruption(path: indexFile.path, offset: range.lowerBound, reason: "index segment of \(range.count) bytes")
            }
            frame = try indexFile.read(count: range.count, at: range.lowerBound)
            try IndexSegment.verify(frame, path: indexFile.path, fileOffset: range.lowerBound, interval: summary.interval)
            cache?.insert(key, frame)
        }
        return IndexSegment.cursor(frame, path: indexFile.path, fileOffset: range.lowerBound, streamLength: data.info.uncompressedLength)
    }

    /// The partition at `entry`, restricted to `slice`, with chunks from `fetch` (the cache-backed
    /// random reads, or a scanner's read-ahead). A slice of a partition with a row index reads the
    /// header and only the blocks that can hold the slice.
    func readPartition(_ entry: IndexEntry, slice: ClusteringSlice,
                       chunk fetch: (Int) throws -> [UInt8]) throws -> PartitionUpdate {
        let chunkSize = data.info.chunkSize
        if entry.rowIndex.isEmpty || slice == .all {
            let (buffer, start) = try DataStream.bytes(at: entry.position, count: entry.length, chunkSize: chunkSize, chunk: fetch)
            do {
                return try PartitionDecoder.whole(buffer, start: start, entry: entry, table: metadata.table, slice: slice)
            } catch {
                throw data.corruption(at: entry.position + error.offset - start, error)
            }
        }
        let blocks = entry.rowIndex
        let headerLength = blocks[0].offset
        let (headerBuffer, headerStart) = try DataStream.bytes(at: entry.position, count: headerLength, chunkSize: chunkSize, chunk: fetch)
        var partition: PartitionUpdate
        do {
            partition = try PartitionDecoder.headerOnly(headerBuffer, start: headerStart, end: headerStart + headerLength,
                                                        entry: entry, table: metadata.table, slice: slice)
        } catch {
            throw data.corruption(at: entry.position + error.offset - headerStart, error)
        }
        guard let range = Self.blockRange(blocks, slice: slice) else { return partition }
        let from = blocks[range.lowerBound].offset
        let to = range.upperBound < blocks.count ? blocks[range.upperBound].offset : entry.length
        let (buffer, start) = try DataStream.bytes(at: entry.position + from, count: to - from, chunkSize: chunkSize, chunk: fetch)
        do {
            try PartitionDecoder.rows(buffer, start: start, end: start + to - from, slice: slice, into: &partition)
        } catch {
            throw data.corruption(at: entry.position + from + error.offset - start, error)
        }
        return partition
    }

    /// The blocks that can hold rows of `slice`. Block i holds rows in [first(i), first(i+1)), and
    /// "after the start" / "before the end" are monotonic in clustering order, so: from the block
    /// before the first whose first row is after the start, to the last whose first row is before the end.
    static func blockRange(_ blocks: [RowIndexBlock], slice: ClusteringSlice) -> Range<Int>? {
        let firstAfterStart = partitionPoint(blocks.count) { slice.isAfterStart(Clustering(blocks[$0].firstClustering)) }
        let lower = max(firstAfterStart - 1, 0)
        let upper = partitionPoint(blocks.count) { !slice.isBeforeEnd(Clustering(blocks[$0].firstClustering)) }
        return lower < upper ? lower..<upper : nil
    }

    /// The first index in 0..<count for which the monotonic `predicate` holds (count if none).
    private static func partitionPoint(_ count: Int, _ predicate: (Int) -> Bool) -> Int {
        var low = 0, high = count
        while low < high {
            let mid = (low + high) / 2
            if predicate(mid) { high = mid } else { low = mid + 1 }
        }
        return low
    }
}
