import BasaltCore

/// Where one partition is in the Data stream, plus for wide partitions a *row index*: the first
/// clustering and offset of every block of ~`rowIndexBlockSize` bytes of rows, so a clustering slice
/// reads only the blocks that can hold it instead of the whole partition.
///
/// Encoding (inside an index segment):
///
///     token: i64 | key: varint length + bytes | position: varint | length: varint
///     | rowIndexLength: varint | rowIndex (rowIndexLength bytes):
///         blockCount: varint | blockCount x (firstClustering: varint length + bytes | offset: varint)
///
/// `rowIndexLength` comes first so a lookup scanning past entries skips a row index in O(1).
struct IndexEntry: Hashable, Sendable {
    var key: PartitionKey
    /// Uncompressed stream position of the partition's first byte.
    var position: Int
    /// Serialized length of the partition (header, row count and rows).
    var length: Int
    /// Empty for partitions that fit one block; else at least two blocks, the first at the first row.
    var rowIndex: [RowIndexBlock]

    static func write(key: PartitionKey, position: Int, length: Int, rowIndex: [RowIndexBlock], to w: inout ByteWriter) {
        w.write(bigEndian: key.token)
        w.writeLengthPrefixed(key.bytes)
        w.writeVarint(UInt64(position))
        w.writeVarint(UInt64(length))
        if rowIndex.isEmpty {
            w.writeVarint(0)
            return
        }
        var blocks = ByteWriter(capacity: rowIndex.count * 24)
        blocks.writeVarint(UInt64(rowIndex.count))
        for block in rowIndex {
            blocks.writeLengthPrefixed(block.firstClustering)
            blocks.writeVarint(UInt64(block.offset))
        }
        w.writeLengthPrefixed(blocks.bytes)
    }

    /// Reads the fields after the key (whose token and bytes the caller has read).
    static func readRest(_ r: inout RawCursor, key: PartitionKey, streamLength: Int) throws(DecodeError) -> IndexEntry {
        let positionOffset = r.offset
        let position = try r.length(limit: streamLength, "partition position")
        let length = try r.length(limit: streamLength - position, "partition length")
        guard length > 0 else { throw DecodeError.malformed(what: "empty partition", offset: positionOffset) }
        let rowIndexLength = try r.length(limit: r.end - r.offset, "row index length")
        var rowIndex: [RowIndexBlock] = []
        if rowIndexLength > 0 {
            let end = r.offset + rowIndexLength
            let countOffset = r.offset
            let count = try r.length(limit: rowIndexLength / 2, "row index block count")
            guard count >= 2 else { throw DecodeError.malformed(what: "row index of \(count) block", offset: countOffset) }
            rowIndex.reserveCapacity(count)
            for _ in 0..<count {
                let clustering = r.bytes(try r.lengthPrefixed(limit: Clustering.maximumLength, "row index clustering"))
                let offsetAt = r.offset
                let offset = try r.length(limit: length - 1, "row index offset")
                // Block 0 starts after the partition header, so no offset is 0.
                if offset == 0 { throw DecodeError.malformed(what: "row index block at offset 0", offset: offsetAt) }
                if let previous = rowIndex.last, previous.offset >= offset || compareBytes(previous.firstClustering, clustering) >= 0 {
                    throw DecodeError.malformed(what: "row index blocks out of order", offset: offsetAt)
                }
                rowIndex.append(RowIndexBlock(firstClustering: clustering, offset: offset))
            }
            guard r.offset == end else { throw DecodeError.malformed(what: "row index length \(rowIndexLength)", offset: countOffset) }
        }
        return IndexEntry(key: key, position: position, length: length, rowIndex: rowIndex)
    }

    /// Reads the fields after the key without keeping them.
    static func skipRest(_ r: inout RawCursor) throws(DecodeError) {
        _ = try r.varint("partition position")
        _ = try r.varint("partition length")
        let rowIndexLength = try r.length(limit: r.end - r.offset, "row index length")
        try r.skip(rowIndexLength, "row index")
    }
}

/// One block of a wide partition's rows: its first clustering and its offset from the partition start.
struct RowIndexBlock: Hashable, Sendable {
    var firstClustering: [UInt8]
    var offset: Int
}
