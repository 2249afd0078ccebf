import NIOCore

/// A Rows result (kind 0x0002, spec §4.2.5.2): metadata, then `rows × columnCount` cells, each a
/// `[bytes]` (nil is null). Cells are kept serialized; `CQLValue.deserialize` interprets them.
public struct CQLRows: Hashable, Sendable {
    public var metadata: CQLRowsMetadata
    public var rows: [[[UInt8]?]]

    public init(metadata: CQLRowsMetadata, rows: [[[UInt8]?]]) {
        precondition(rows.allSatisfy { $0.count == metadata.columnCount }, "every row needs columnCount cells")
        self.metadata = metadata
        self.rows = rows
    }
}

extension ByteBuffer {
    public mutating func readCQLRows() throws -> CQLRows? {
        try parseUnwindingIfNeeded { buffer in try buffer.readCQLRowsBody() }
    }

    mutating func readCQLRowsBody() throws -> CQLRows {
        let metadata = try readCQLRowsMetadataBody()
        let rowCount = try readCQLInt()
        guard rowCount >= 0 else { throw CQLProtocolError.invalidLength(field: "rows_count", length: rowCount) }
        // Zero-width rows would take no bytes, so a hostile count could not be bounded by the body.
        guard metadata.columnCount > 0 || rowCount == 0 else { throw CQLProtocolError.rowsWithoutColumns(rowCount: rowCount) }
        // Both counts are below 2^31, so the cell count fits easily.
        try checkCount(Int(rowCount) * metadata.columnCount, minimumElementSize: 4)
        var rows: [[[UInt8]?]] = []
        rows.reserveCapacity(Int(rowCount))
        for _ in 0..<rowCount {
            var row: [[UInt8]?] = []
            row.reserveCapacity(metadata.columnCount)
            for _ in 0..<metadata.columnCount { row.append(try readCQLBytes()) }
            rows.append(row)
        }
        return CQLRows(metadata: metadata, rows: rows)
    }

    @discardableResult
    public mutating func writeCQLRows(_ rows: CQLRows) -> Int {
        var written = writeCQLRowsMetadata(rows.metadata) + writeCQLIntCount(rows.rows.count)
        for row in rows.rows {
            assert(row.count == rows.metadata.columnCount)
            for cell in row { written += writeCQLBytes(cell) }
        }
        return written
    }
}
