import struct Foundation.UUID

/// Binary encoding of rows, partition updates and mutations: the payload of commit-log records and
/// of SSTable partitions. Byte-by-byte layout in docs/formats/data-model.md; change nothing here
/// without bumping the format versions of both files that embed it.
public enum DataCodec {
    /// Limits that keep a corrupt length from allocating or looping without bound.
    public static let maximumCellsPerRow = 1 << 20
    public static let maximumRowsPerUpdate = 1 << 24
    public static let maximumRangeTombstones = 1 << 20
    public static let maximumUpdatesPerMutation = 1 << 16

    // Cell flags.
    static let cellHasValue: UInt8 = 0x01
    static let cellHasTTL: UInt8 = 0x02
    static let cellHasPath: UInt8 = 0x04
    // Row flags.
    static let rowHasLiveness: UInt8 = 0x01
    static let rowHasDeletion: UInt8 = 0x02
    static let rowHasComplexDeletions: UInt8 = 0x04
    // Partition flags.
    static let partitionHasDeletion: UInt8 = 0x01
    static let partitionHasRangeTombstones: UInt8 = 0x02
    static let partitionHasStaticRow: UInt8 = 0x04

    // MARK: writing

    public static func write(_ deletion: DeletionTime, to w: inout ByteWriter) {
        w.write(bigEndian: deletion.markedForDeleteAt)
        w.write(bigEndian: deletion.localDeletionTime)
    }

    public static func write(_ cell: Cell, to w: inout ByteWriter) {
        var flags: UInt8 = 0
        if cell.value != nil { flags |= cellHasValue }
        if cell.ttl > 0 { flags |= cellHasTTL }
        if cell.path != nil { flags |= cellHasPath }
        w.write(flags)
        w.writeVarint(UInt64(cell.column))
        if let path = cell.path { w.writeLengthPrefixed(path) }
        w.write(bigEndian: cell.timestamp)
        if cell.ttl > 0 { w.write(bigEndian: cell.ttl) }
        if cell.value == nil || cell.ttl > 0 { w.write(bigEndian: cell.localDeletionTime) }
        if let value = cell.value { w.writeLengthPrefixed(value) }
    }

    public static func write(_ row: Row, to w: inout ByteWriter) {
        var flags: UInt8 = 0
        if !row.liveness.isEmpty { flags |= rowHasLiveness }
        if !row.deletion.isLive { flags |= rowHasDeletion }
        if !row.complexDeletions.isEmpty { flags |= rowHasComplexDeletions }
        w.write(flags)
        w.writeLengthPrefixed(row.clustering.bytes)
        if !row.liveness.isEmpty {
            w.write(bigEndian: row.liveness.timestamp)
            w.write(bigEndian: row.liveness.ttl)
            w.write(bigEndian: row.liveness.localExpirationTime)
        }
        if !row.deletion.isLive { write(row.deletion, to: &w) }
        if !row.complexDeletions.isEmpty {
            w.writeVarint(UInt64(row.complexDeletions.count))
            for d in row.complexDeletions {
                w.writeVarint(UInt64(d.column))
                write(d.deletion, to: &w)
            }
        }
        w.writeVarint(UInt64(row.cells.count))
        for cell in row.cells { write(cell, to: &w) }
    }

    public static func write(_ bound: ClusteringBound, to w: inout ByteWriter) {
        w.write(bound.inclusive ? 1 : 0)
        w.writeLengthPrefixed(bound.prefix)
    }

    /// The partition-level header: key, token, deletion, range tombstones and static row.
    /// SSTables write this, then the rows in their own framing; updates write it, then the rows.
    public static func writePartitionHeader(_ update: PartitionUpdate, to w: inout ByteWriter) {
        w.write(bigEndian: update.key.token)
        w.writeLengthPrefixed(update.key.bytes)
        var flags: UInt8 = 0
        if !update.partitionDeletion.isLive { flags |= partitionHasDeletion }
        if !update.rangeTombstones.isEmpty { flags |= partitionHasRangeTombstones }
        if update.staticRow != nil { flags |= partitionHasStaticRow }
        w.write(flags)
        if !update.partitionDeletion.isLive { write(update.partitionDeletion, to: &w) }
        if !update.rangeTombstones.isEmpty {
            w.writeVarint(UInt64(update.rangeTombstones.count))
            for rt in update.rangeTombstones {
                write(rt.slice.start, to: &w)
                write(rt.slice.end, to: &w)
                write(rt.deletion, to: &w)
            }
        }
        if let s = update.staticRow { write(s, to: &w) }
    }

    public static func write(_ update: PartitionUpdate, to w: inout ByteWriter) {
        writeTableID(update.table, to: &w)
        writePartitionHeader(update, to: &w)
        w.writeVarint(UInt64(update.rows.count))
        for row in update.rows { write(row, to: &w) }
    }

    public static func write(_ mutation: Mutation, to w: inout ByteWriter) {
        w.writeVarint(UInt64(mutation.updates.count))
        for u in mutation.updates { write(u, to: &w) }
    }

    public static func encode(_ mutation: Mutation) -> [UInt8] {
        // One allocation for typical small mutations instead of growing 64 -> 128 -> 256.
        var w = ByteWriter(capacity: 256)
        write(mutation, to: &w)
        return w.bytes
    }

    public static func writeTableID(_ id: TableID, to w: inout ByteWriter) {
        withUnsafeBytes(of: id.uuid) { w.write(contentsOf: $0) }
    }

    // MARK: reading

    public static func readDeletion(_ r: inout ByteReader) throws(DecodeError) -> DeletionTime {
        let at = try r.read(Int64.self, "deletion timestamp")
        let local = try r.read(Int32.self, "deletion local time")
        return DeletionTime(markedForDeleteAt: at, localDeletionTime: local)
    }

    public static func readCell(_ r: inout ByteReader) throws(DecodeError) -> Cell {
        let flagsOffset = r.offset
        let flags = try r.readByte("cell flags")
        if flags & ~(cellHasValue | cellHasTTL | cellHasPath) != 0 {
            throw DecodeError.malformed(what: "cell flags \(flags)", offset: flagsOffset)
        }
        let column = try r.readLength(limit: Int(UInt32.max), "cell column")
        let path = flags & cellHasPath != 0 ? try r.readLengthPrefixed(limit: Clustering.maximumLength, "cell path") : nil
        let timestamp = try r.read(Int64.self, "cell timestamp")
        let ttl = flags & cellHasTTL != 0 ? try r.read(Int32.self, "cell ttl") : 0
        let hasValue = flags & cellHasValue != 0
        if ttl < 0 || (ttl > 0 && !hasValue) { throw DecodeError.malformed(what: "cell ttl \(ttl)", offset: flagsOffset) }
        let local: Int32 = (!hasValue || ttl > 0) ? try r.read(Int32.self, "cell local deletion time") : .max
        let value = hasValue ? try r.readLengthPrefixed(limit: Cell.maximumValueLength, "cell value") : nil
        return Cell(column: UInt32(column), path: path, timestamp: timestamp, ttl: ttl, localDeletionTime: local, value: value)
    }

    public static func readRow(_ r: inout ByteReader) throws(DecodeError) -> Row {
        let flagsOffset = r.offset
        let flags = try r.readByte("row flags")
        if flags & ~(rowHasLiveness | rowHasDeletion | rowHasComplexDeletions) != 0 {
            throw DecodeError.malformed(what: "row flags \(flags)", offset: flagsOffset)
        }
        var row = Row(clustering: Clustering(try r.readLengthPrefixed(limit: Clustering.maximumLength, "clustering")))
        if flags & rowHasLiveness != 0 {
            row.liveness = LivenessInfo(timestamp: try r.read(Int64.self, "row marker timestamp"),
                                        ttl: try r.read(Int32.self, "row marker ttl"),
                                        localExpirationTime: try r.read(Int32.self, "row marker expiry"))
        }
        if flags & rowHasDeletion != 0 { row.deletion = try readDeletion(&r) }
        if flags & rowHasComplexDeletions != 0 {
            let count = try r.readLength(limit: maximumCellsPerRow, "complex deletion count")
            row.complexDeletions.reserveCapacity(count)
            for _ in 0..<count {
                let column = try r.readLength(limit: Int(UInt32.max), "complex deletion column")
                row.complexDeletions.append(ComplexDeletion(column: UInt32(column), deletion: try readDeletion(&r)))
            }
        }
        let cellCount = try r.readLength(limit: min(maximumCellsPerRow, r.remaining), "cell count")
        row.cells.reserveCapacity(cellCount)
        for _ in 0..<cellCount { row.cells.append(try readCell(&r)) }
        return row
    }

    public static func readBound(_ r: inout ByteReader) throws(DecodeError) -> ClusteringBound {
        let offset = r.offset
        let inclusive = try r.readByte("bound kind")
        guard inclusive <= 1 else { throw DecodeError.malformed(what: "bound kind \(inclusive)", offset: offset) }
        return ClusteringBound(prefix: try r.readLengthPrefixed(limit: Clustering.maximumLength, "bound prefix"),
                               inclusive: inclusive == 1)
    }

    /// Reads what `writePartitionHeader` wrote; rows are left empty for the caller to read.
    public static func readPartitionHeader(_ r: inout ByteReader, table: TableID) throws(DecodeError) -> PartitionUpdate {
        let token = try r.read(Int64.self, "token")
        let keyBytes = try r.readLengthPrefixed(limit: PartitionKey.maximumLength, "partition key")
        let flagsOffset = r.offset
        let flags = try r.readByte("partition flags")
        if flags & ~(partitionHasDeletion | partitionHasRangeTombstones | partitionHasStaticRow) != 0 {
            throw DecodeError.malformed(what: "partition flags \(flags)", offset: flagsOffset)
        }
        var update = PartitionUpdate(table: table, key: PartitionKey(token: token, bytes: keyBytes))
        if flags & partitionHasDeletion != 0 { update.partitionDeletion = try readDeletion(&r) }
        if flags & partitionHasRangeTombstones != 0 {
            let count = try r.readLength(limit: min(maximumRangeTombstones, r.remaining), "range tombstone count")
            update.rangeTombstones.reserveCapacity(count)
            for _ in 0..<count {
                let start = try readBound(&r)
                let end = try readBound(&r)
                update.rangeTombstones.append(RangeTombstone(slice: ClusteringSlice(start: start, end: end),
                                                             deletion: try readDeletion(&r)))
            }
        }
        if flags & partitionHasStaticRow != 0 { update.staticRow = try readRow(&r) }
        return update
    }

    public static func readPartitionUpdate(_ r: inout ByteReader) throws(DecodeError) -> PartitionUpdate {
        let table = try readTableID(&r)
        var update = try readPartitionHeader(&r, table: table)
        let rowCount = try r.readLength(limit: min(maximumRowsPerUpdate, r.remaining), "row count")
        update.rows.reserveCapacity(rowCount)
        for _ in 0..<rowCount { update.rows.append(try readRow(&r)) }
        return update
    }

    public static func readMutation(_ r: inout ByteReader) throws(DecodeError) -> Mutation {
        let count = try r.readLength(limit: min(maximumUpdatesPerMutation, r.remaining), "update count")
        var updates: [PartitionUpdate] = []
        updates.reserveCapacity(count)
        for _ in 0..<count { updates.append(try readPartitionUpdate(&r)) }
        return Mutation(updates)
    }

    public static func decodeMutation(_ bytes: [UInt8]) throws(DecodeError) -> Mutation {
        var r = ByteReader(bytes)
        let m = try readMutation(&r)
        if !r.isAtEnd { throw DecodeError.malformed(what: "\(r.remaining) trailing bytes after mutation", offset: r.offset) }
        return m
    }

    public static func readTableID(_ r: inout ByteReader) throws(DecodeError) -> TableID {
        let b = try r.readBytes(count: 16, "table id")
        return UUID(uuid: (b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]))
    }
}
