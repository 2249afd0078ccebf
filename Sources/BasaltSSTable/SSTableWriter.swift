import BasaltCore
import BasaltFileSystem
import Glibc

/// Writes one SSTable from partitions appended in strictly increasing key order, streaming: Data
/// chunks and Index segments go to disk as they fill, so memory stays bounded by a chunk, a segment,
/// the Summary and the bloom filter whatever the table's size.
///
/// Layout of every component: docs/formats/sstable.md. Not thread-safe: one writer, one thread.
public final class SSTableWriter {
    public let descriptor: SSTableDescriptor
    public let table: TableID
    public let options: SSTableWriterOptions

    private enum State { case writing, finished, aborted }
    private var state = State.writing

    private var data: ComponentWriter
    private var index: ComponentWriter
    private var encoder: ChunkCodec.Encoder
    /// Stream bytes not yet cut into chunks; `stream.bytes[0]` is at stream position `streamBase`.
    private var stream: ByteWriter
    private var streamBase = 0
    private var chunkOffsets: [Int] = []

    private var segment = ByteWriter(capacity: 4096)
    private var segmentEntryCount = 0
    private var summaryTokens: [Int64] = []
    private var summaryKeys: [[UInt8]] = []
    private var summaryOffsets: [Int] = []

    private var filter: BloomFilter
    private var statistics = StatisticsCollector()
    private var firstKey: PartitionKey?
    private var lastKey: PartitionKey?
    private var finishedComponentBytes = 0

    /// Creates the Data and Index files (failing if the generation exists already).
    public init(descriptor: SSTableDescriptor, table: TableID, options: SSTableWriterOptions) throws {
        precondition(options.chunkSize >= SSTableFormat.minimumChunkSize && options.chunkSize <= SSTableFormat.maximumChunkSize,
                     "chunk size \(options.chunkSize) outside \(SSTableFormat.minimumChunkSize)...\(SSTableFormat.maximumChunkSize)")
        precondition(options.summaryInterval >= 1 && options.summaryInterval <= SSTableFormat.maximumSummaryInterval,
                     "summary interval \(options.summaryInterval) out of range")
        precondition(options.rowIndexBlockSize >= 1, "row index block size must be positive")
        self.descriptor = descriptor
        self.table = table
        self.options = options
        data = try ComponentWriter(options.fileSystem, path: descriptor.path(.data))
        do {
            index = try ComponentWriter(options.fileSystem, path: descriptor.path(.index))
        } catch {
            try? options.fileSystem.remove(descriptor.path(.data))
            throw error
        }
        encoder = ChunkCodec.Encoder(chunkSize: options.chunkSize, compress: options.compression)
        stream = ByteWriter(capacity: options.chunkSize * 2)
        filter = BloomFilter(expectedKeys: options.expectedPartitions, falsePositiveChance: options.bloomFalsePositiveChance)
        do {
            try index.append(ComponentFrame.header(magic: ComponentFrame.indexMagic))
        } catch {
            abort()
            throw error
        }
    }

    deinit {
        // A writer dropped without finish() must not leave a partial generation behind.
        if state == .writing { abort() }
    }

    /// Bytes handed to the OS for this SSTable's files so far (for compaction throughput limits).
    public var bytesWritten: Int { data.flushedBytes + index.flushedBytes + finishedComponentBytes }

    /// Serializes `partition` after the previous one, whose key must sort strictly before it.
    public func append(_ partition: PartitionUpdate) throws {
        precondition(state == .writing, "append to a finished or aborted SSTable writer")
        precondition(partition.table == table, "partition of table \(partition.table) appended to an SSTable of \(table)")
        if let lastKey { precondition(lastKey < partition.key, "partition keys must strictly increase: \(partition.key) after \(lastKey)") }
        if firstKey == nil { firstKey = partition.key }
        lastKey = partition.key

        let position = streamBase + stream.count
        DataCodec.writePartitionHeader(partition, to: &stream)
        stream.writeVarint(UInt64(partition.rows.count))
        let rowsStart = streamBase + stream.count
        var blocks: [RowIndexBlock] = []
        var blockStart = rowsStart
        for row in partition.rows {
            let rowPosition = streamBase + stream.count
            if blocks.isEmpty || rowPosition - blockStart >= options.rowIndexBlockSize {
                blocks.append(RowIndexBlock(firstClustering: row.clustering.bytes, offset: rowPosition - position))
                blockStart = rowPosition
            }
            DataCodec.write(row, to: &stream)
            // Keep a wide partition from buffering whole: cut chunks as they fill.
            if stream.count >= 4 * options.chunkSize { try cutChunks(includingPartial: false) }
        }
        let length = streamBase + stream.count - position
        IndexEntry.write(key: partition.key, position: position, length: length,
                         rowIndex: blocks.count > 1 ? blocks : [], to: &segment)
        if segmentEntryCount == 0 {
            summaryTokens.append(partition.key.token)
            summaryKeys.append(partition.key.bytes)
            summaryOffsets.append(index.size)
        }
        segmentEntryCount += 1
        if segmentEntryCount == options.summaryInterval { try closeSegment() }

        filter.insert(partition.key.bytes)
        statistics.add(partition)
        if stream.count >= options.chunkSize { try cutChunks(includingPartial: false) }
    }

    /// Frames every full chunk in `stream` (and the partial tail, at the end) into the Data file.
    private func cutChunks(includingPartial: Bool) throws {
        let size = options.chunkSize
        var consumed = 0
        try stream.bytes.withUnsafeBytes { raw in
            while raw.count - consumed >= size || (includingPartial && consumed < raw.count) {
                let end = min(consumed + size, raw.count)
                chunkOffsets.append(data.size)
                try encoder.appendFrame(of: UnsafeRawBufferPointer(rebasing: raw[consumed..<end]), to: data)
                consumed = end
            }
        }
        stream.bytes.removeFirst(consumed)
        streamBase += consumed
    }

    private func closeSegment() throws {
        try index.append(IndexSegment.frame(entryCount: segmentEntryCount, body: segment.bytes))
        segment.bytes.removeAll(keepingCapacity: true)
        segmentEntryCount = 0
    }

    /// Writes the remaining components, fsyncs every file, writes the TOC last (atomically, by
    /// rename), fsyncs the directory. On failure everything written is deleted and the error rethrown.
    /// An SSTable holds at least one partition: abort() a writer that got none.
    public func finish() throws -> SSTableMetadata {
        precondition(state == .writing, "finish of a finished or aborted SSTable writer")
        guard let firstKey, let lastKey else { preconditionFailure("an SSTable needs at least one partition; abort() an empty writer") }
        do {
            if segmentEntryCount > 0 { try closeSegment() }
            try cutChunks(includingPartial: true)
            chunkOffsets.append(data.size)
            var toc: [SSTableComponent: TableOfContents.Entry] = [:]
            let (dataSize, dataCRC) = try data.finish()
            toc[.data] = .init(size: dataSize, crc: dataCRC)
            let (indexSize, indexCRC) = try index.finish()
            toc[.index] = .init(size: indexSize, crc: indexCRC)

            let compression = CompressionInfo(chunkSize: options.chunkSize, compressed: options.compression,
                                              uncompressedLength: streamBase, offsets: chunkOffsets)
            let summary = Summary(interval: options.summaryInterval, tokens: summaryTokens, keys: summaryKeys,
                                  segmentOffsets: summaryOffsets + [indexSize], firstKey: firstKey, lastKey: lastKey)
            let s = statistics
            let metadata = SSTableMetadata(
                formatVersion: SSTableFormat.version, table: table, partitionCount: s.partitionCount, rowCount: s.rowCount,
                firstKey: firstKey, lastKey: lastKey, minTimestamp: s.minTimestamp, maxTimestamp: s.maxTimestamp,
                maxLocalDeletionTime: s.maxLocalDeletionTime, containsNonExpiringData: s.containsNonExpiringData,
                tombstones: s.tombstones, uncompressedSize: streamBase, compressedSize: dataSize,
                creationTime: options.wallClockMilliseconds(), level: options.level, repairedAt: options.repairedAt)

            toc[.compressionInfo] = try writeWhole(.compressionInfo, compression.encoded())
            toc[.summary] = try writeWhole(.summary, summary.encoded())
            toc[.filter] = try writeWhole(.filter, filter.encoded())
            toc[.statistics] = try writeWhole(.statistics, metadata.encoded())

            let tocBytes = TableOfContents(entries: toc).encoded()
            // Under a temporary name, fsynced, then renamed into place: a TOC is never torn.
            do {
                try options.fileSystem.writeAtomically(tocBytes, to: descriptor.path(.toc), directory: descriptor.directory)
            } catch {
                throw SSTableIOError(error)
            }
            finishedComponentBytes += tocBytes.count
            state = .finished
            return metadata
        } catch {
            abort()
            throw error
        }
    }

    private func writeWhole(_ component: SSTableComponent, _ bytes: [UInt8]) throws -> TableOfContents.Entry {
        let file = try ComponentFile(options.fileSystem, path: descriptor.path(component), .createNew)
        try bytes.withUnsafeBytes { try file.append($0) }
        try file.sync()
        finishedComponentBytes += bytes.count
        return .init(size: bytes.count, crc: CRC32C.checksum(bytes))
    }

    /// Deletes every file written so far. Safe to call more than once; a finished SSTable is not
    /// touched (delete it with `descriptor.deleteAllComponents()`).
    public func abort() {
        guard state != .finished else { return }
        state = .aborted
        descriptor.deleteAllComponents(fileSystem: options.fileSystem)
    }
}
