import NIOCore

/// A Prepared result (kind 0x0004, spec §4.2.5.4): the statement id, the bind markers with the
/// partition-key positions drivers use for token-aware routing, and the result-set metadata.
public struct CQLPrepared: Hashable, Sendable {
    /// Cassandra uses MD5(keyspace prefix + query); it must be deterministic across nodes (notes §4.3).
    public var id: [UInt8]
    public var bindMarkers: [CQLColumnSpec]
    /// For each partition-key column in order, the index of its bind marker; empty when some
    /// partition-key column has no plain marker (drivers then fall back to table metadata).
    public var partitionKeyIndexes: [UInt16]
    /// No_metadata with 0 columns for statements that return no rows.
    public var resultMetadata: CQLRowsMetadata

    public init(id: [UInt8], bindMarkers: [CQLColumnSpec], partitionKeyIndexes: [UInt16], resultMetadata: CQLRowsMetadata) {
        precondition(partitionKeyIndexes.allSatisfy { Int($0) < bindMarkers.count })
        self.id = id
        self.bindMarkers = bindMarkers
        self.partitionKeyIndexes = partitionKeyIndexes
        self.resultMetadata = resultMetadata
    }
}

extension ByteBuffer {
    public mutating func readCQLPrepared() throws -> CQLPrepared? {
        try parseUnwindingIfNeeded { buffer in try buffer.readCQLPreparedBody() }
    }

    mutating func readCQLPreparedBody() throws -> CQLPrepared {
        let id = try readCQLShortBytes()
        let flags = try readCQLInt()
        guard flags & ~CQLColumnSpecs.globalTablesSpecFlag == 0 else {
            throw CQLProtocolError.invalidFlags(field: "prepared metadata", flags: flags)
        }
        let columnCount = try readCQLCount("bind markers", minimumElementSize: 4, wide: true)
        let keyCount = try readCQLCount("partition key indexes", minimumElementSize: 2, wide: true)
        var partitionKeyIndexes: [UInt16] = []
        partitionKeyIndexes.reserveCapacity(keyCount)
        for _ in 0..<keyCount {
            let index = try readCQLShort()
            guard Int(index) < columnCount else {
                throw CQLProtocolError.partitionKeyIndexOutOfRange(index: index, columnCount: columnCount)
            }
            partitionKeyIndexes.append(index)
        }
        let bindMarkers = try readCQLColumnSpecs(count: columnCount, global: flags & CQLColumnSpecs.globalTablesSpecFlag != 0)
        let resultMetadata = try readCQLRowsMetadataBody()
        return CQLPrepared(id: id, bindMarkers: bindMarkers, partitionKeyIndexes: partitionKeyIndexes, resultMetadata: resultMetadata)
    }

    @discardableResult
    public mutating func writeCQLPrepared(_ prepared: CQLPrepared) -> Int {
        let global = CQLColumnSpecs.usesGlobalSpec(prepared.bindMarkers)
        var written = writeCQLShortBytes(prepared.id) + writeInteger(global ? CQLColumnSpecs.globalTablesSpecFlag : 0)
            + writeCQLIntCount(prepared.bindMarkers.count) + writeCQLIntCount(prepared.partitionKeyIndexes.count)
        for index in prepared.partitionKeyIndexes { written += writeInteger(index) }
        written += writeCQLColumnSpecs(prepared.bindMarkers, global: global)
        return written + writeCQLRowsMetadata(prepared.resultMetadata)
    }
}
