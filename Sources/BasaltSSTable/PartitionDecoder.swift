import BasaltCore

/// Turns a partition's bytes in the Data stream back into a `PartitionUpdate`, whole or restricted
/// to a clustering slice.
///
/// A partition is `DataCodec.writePartitionHeader`, then the row count (varint), then the rows, each
/// `DataCodec.write(row)`. A row count rather than an end marker, because `DataCodec.readRow` has no
/// marker value to test for and a count bounds the loop; slices that start in a row-index block
/// instead read rows up to the block range's end byte.
enum PartitionDecoder {
    /// Decodes `buffer[start ..< start + entry.length]`, the whole partition described by `entry`.
    static func whole(_ buffer: [UInt8], start: Int, entry: IndexEntry, table: TableID,
                      slice: ClusteringSlice) throws(DecodeError) -> PartitionUpdate {
        var r = ByteReader(buffer, offset: start, end: start + entry.length)
        var partition = try header(&r, entry: entry, table: table)
        let countOffset = r.offset
        let count = try r.readLength(limit: min(DataCodec.maximumRowsPerUpdate, r.remaining), "row count")
        if slice == .all {
            partition.rows.reserveCapacity(count)
            for _ in 0..<count { partition.rows.append(try DataCodec.readRow(&r)) }
            guard r.isAtEnd else {
                throw DecodeError.malformed(what: "\(r.remaining) bytes after the \(count) rows of the partition", offset: countOffset)
            }
            return partition
        }
        for _ in 0..<count {
            let row = try DataCodec.readRow(&r)
            if !slice.isBeforeEnd(row.clustering) { break }
            if slice.isAfterStart(row.clustering) { partition.rows.append(row) }
        }
        restrictRangeTombstones(&partition, to: slice)
        return partition
    }

    /// Decodes the header (deletion, range tombstones, static row) from `buffer[start ..< end]`, the
    /// bytes before the first row of a partition with a row index.
    static func headerOnly(_ buffer: [UInt8], start: Int, end: Int, entry: IndexEntry, table: TableID,
                           slice: ClusteringSlice) throws(DecodeError) -> PartitionUpdate {
        var r = ByteReader(buffer, offset: start, end: end)
        var partition = try header(&r, entry: entry, table: table)
        _ = try r.readLength(limit: DataCodec.maximumRowsPerUpdate, "row count")
        guard r.isAtEnd else { throw DecodeError.malformed(what: "row index: first row is not after the header", offset: r.offset) }
        restrictRangeTombstones(&partition, to: slice)
        return partition
    }

    /// Appends the rows of `slice` found in `buffer[start ..< end]`, whole rows from a block boundary on.
    static func rows(_ buffer: [UInt8], start: Int, end: Int, slice: ClusteringSlice,
                     into partition: inout PartitionUpdate) throws(DecodeError) {
        var r = ByteReader(buffer, offset: start, end: end)
        while !r.isAtEnd {
            let row = try DataCodec.readRow(&r)
            if !slice.isBeforeEnd(row.clustering) { return }
            if slice.isAfterStart(row.clustering) { partition.rows.append(row) }
        }
    }

    private static func header(_ r: inout ByteReader, entry: IndexEntry, table: TableID) throws(DecodeError) -> PartitionUpdate {
        let at = r.offset
        let partition = try DataCodec.readPartitionHeader(&r, table: table)
        guard partition.key == entry.key else {
            throw DecodeError.malformed(what: "partition key \(partition.key) where the index says \(entry.key)", offset: at)
        }
        return partition
    }

    private static func restrictRangeTombstones(_ partition: inout PartitionUpdate, to slice: ClusteringSlice) {
        if slice != .all { partition.rangeTombstones.removeAll { !$0.slice.mayOverlap(slice) } }
    }
}
