import NIOCore

/// Rows `<metadata>` (spec §4.2.5.2), also the `<result_metadata>` of a Prepared result.
public struct CQLRowsMetadata: Hashable, Sendable {
    /// Number of values per row; equals `columns.count` when the specs are present.
    public private(set) var columnCount: Int
    /// nil when the No_metadata flag (0x0004) is set: the client asked to skip metadata it has cached.
    public private(set) var columns: [CQLColumnSpec]?
    /// Present exactly when Has_more_pages (0x0002) is set. Never empty: the python driver treats
    /// any non-nil state as "more pages" and an empty one breaks `fetch_next_page` (notes §4.2).
    public var pagingState: [UInt8]?

    public init(columns: [CQLColumnSpec], pagingState: [UInt8]? = nil) {
        columnCount = columns.count
        self.columns = columns
        self.pagingState = pagingState
    }

    /// Metadata for a No_metadata result, or for a Prepared statement that returns no rows (with 0).
    public init(noMetadataColumnCount columnCount: Int, pagingState: [UInt8]? = nil) {
        precondition(columnCount >= 0)
        self.columnCount = columnCount
        columns = nil
        self.pagingState = pagingState
    }

    enum Flag {
        static let hasMorePages: Int32 = 0x0002
        static let noMetadata: Int32 = 0x0004
    }
}

extension ByteBuffer {
    public mutating func readCQLRowsMetadata() throws -> CQLRowsMetadata? {
        try parseUnwindingIfNeeded { buffer in try buffer.readCQLRowsMetadataBody() }
    }

    /// Flags other than the three v4 ones (v5's Metadata_changed, DSE bits) are refused: they would
    /// change the layout that follows.
    mutating func readCQLRowsMetadataBody() throws -> CQLRowsMetadata {
        let flags = try readCQLInt()
        let known = CQLColumnSpecs.globalTablesSpecFlag | CQLRowsMetadata.Flag.hasMorePages | CQLRowsMetadata.Flag.noMetadata
        guard flags & ~known == 0 else { throw CQLProtocolError.invalidFlags(field: "rows metadata", flags: flags) }
        let countValue = try readCQLInt()
        guard countValue >= 0 else { throw CQLProtocolError.invalidLength(field: "columns_count", length: countValue) }
        var pagingState: [UInt8]?
        if flags & CQLRowsMetadata.Flag.hasMorePages != 0 { pagingState = try readCQLBytes() }
        if flags & CQLRowsMetadata.Flag.noMetadata != 0 {
            return CQLRowsMetadata(noMetadataColumnCount: Int(countValue), pagingState: pagingState)
        }
        let columns = try readCQLColumnSpecs(
            count: Int(countValue), global: flags & CQLColumnSpecs.globalTablesSpecFlag != 0)
        return CQLRowsMetadata(columns: columns, pagingState: pagingState)
    }

    @discardableResult
    public mutating func writeCQLRowsMetadata(_ metadata: CQLRowsMetadata) -> Int {
        var flags: Int32 = 0
        let global = metadata.columns.map(CQLColumnSpecs.usesGlobalSpec) ?? false
        if global { flags |= CQLColumnSpecs.globalTablesSpecFlag }
        if metadata.pagingState != nil { flags |= CQLRowsMetadata.Flag.hasMorePages }
        if metadata.columns == nil { flags |= CQLRowsMetadata.Flag.noMetadata }
        var written = writeInteger(flags) + writeCQLIntCount(metadata.columnCount)
        if let pagingState = metadata.pagingState { written += writeCQLBytes(pagingState) }
        if let columns = metadata.columns { written += writeCQLColumnSpecs(columns, global: global) }
        return written
    }
}
