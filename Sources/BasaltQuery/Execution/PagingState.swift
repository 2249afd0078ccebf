import BasaltCore

/// Where a paged SELECT stopped, encoded so that any node can resume it (notes §4.2): the last
/// partition key and clustering returned, and how many rows were returned so far overall and in that
/// partition (for LIMIT and PER PARTITION LIMIT). `clustering == nil` means the whole partition was
/// returned (a static-only or DISTINCT row). Layout: `0xB1`, then length-prefixed key, a flag and the
/// length-prefixed clustering, then two signed varints.
struct PagingState: Hashable {
    var partitionKey: [UInt8]
    var clustering: [UInt8]?
    var rowsReturned: Int64
    var partitionRowsReturned: Int64

    private static let magic: UInt8 = 0xB1

    var encoded: [UInt8] {
        var writer = ByteWriter()
        writer.write(Self.magic)
        writer.writeLengthPrefixed(partitionKey)
        writer.write(clustering == nil ? 0 : 1)
        if let clustering { writer.writeLengthPrefixed(clustering) }
        writer.writeSignedVarint(rowsReturned)
        writer.writeSignedVarint(partitionRowsReturned)
        return writer.bytes
    }

    init(partitionKey: [UInt8], clustering: [UInt8]?, rowsReturned: Int64, partitionRowsReturned: Int64) {
        self.partitionKey = partitionKey
        self.clustering = clustering
        self.rowsReturned = rowsReturned
        self.partitionRowsReturned = partitionRowsReturned
    }

    init(decoding bytes: [UInt8]) throws(QueryError) {
        do {
            var reader = ByteReader(bytes)
            guard try reader.readByte() == Self.magic else { throw QueryError.invalid("Invalid value for the paging state") }
            partitionKey = try reader.readLengthPrefixed(limit: PartitionKey.maximumLength, "paging key")
            clustering = try reader.readByte() == 1
                ? try reader.readLengthPrefixed(limit: Clustering.maximumLength, "paging clustering") : nil
            rowsReturned = try reader.readSignedVarint()
            partitionRowsReturned = try reader.readSignedVarint()
        } catch let error as QueryError {
            throw error
        } catch {
            throw .invalid("Invalid value for the paging state")
        }
    }
}
