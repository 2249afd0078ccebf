import BasaltCore
import BasaltCQLProtocol
import BasaltStorage

/// One CQL row as the executor sees it: a value per table column (in `TableSchema.columns` order,
/// `.null` when absent) with write time and TTL of non-collection cells, the write time of each element
/// of a non-frozen collection (in the order of its value's elements), and the storage position
/// (partition key and clustering bytes) that paging resumes from.
struct LogicalRow {
    var values: [CQLValue]
    var writetimes: [Int64?]
    var ttls: [Int32?]
    /// By column position; only non-frozen collections with elements have an entry.
    var elementWritetimes: [Int: [Int64]] = [:]
    var partitionKey: [UInt8]
    var clustering: [UInt8]?
}

/// Decodes storage rows into `LogicalRow`s: the partition key from its CompositeType bytes, the
/// clustering from its byte-comparable form, cells by column id (cells of dropped columns are skipped).
struct RowDecoder {
    let table: TableSchema
    /// Seconds, for remaining TTLs.
    let now: Int32
    private let indexByID: [UInt32: Int]

    init(table: TableSchema, now: Int32) {
        self.table = table
        self.now = now
        indexByID = Dictionary(uniqueKeysWithValues: table.columns.enumerated().map { ($1.id, $0) })
    }

    func emptyRow(key: [UInt8]) -> LogicalRow {
        LogicalRow(values: Array(repeating: .null, count: table.columns.count),
                   writetimes: Array(repeating: nil, count: table.columns.count),
                   ttls: Array(repeating: nil, count: table.columns.count), partitionKey: key, clustering: nil)
    }

    /// The partition-level part of every row: key columns and static columns.
    func partitionRow(_ partition: ResolvedPartition) throws -> LogicalRow {
        var row = emptyRow(key: partition.key.bytes)
        let keyColumns = table.partitionKey
        guard let components = PartitionKeyEncoding.decode(partition.key.bytes, count: keyColumns.count) else {
            throw QueryError(.serverError, "corrupt partition key in \(table.qualifiedName)")
        }
        for (column, bytes) in zip(keyColumns, components) {
            row.values[index(column)] = try CQLValue.deserialize(bytes: bytes, type: column.dataType)
        }
        if let staticRow = partition.staticRow { try fill(&row, cells: staticRow.cells) }
        return row
    }

    func row(_ storage: Row, base: LogicalRow) throws -> LogicalRow {
        var row = base
        row.clustering = storage.clustering.bytes
        let clusteringColumns = table.clusteringColumns
        let values = try ClusteringEncoding.decode(storage.clustering.bytes, columns: clusteringColumns)
        for (column, value) in zip(clusteringColumns, values) { row.values[index(column)] = value }
        try fill(&row, cells: storage.cells)
        return row
    }

    private func index(_ column: ColumnSchema) -> Int { indexByID[column.id]! }

    private func fill(_ row: inout LogicalRow, cells: [Cell]) throws {
        var start = 0
        while start < cells.count {
            var end = start + 1
            while end < cells.count && cells[end].column == cells[start].column { end += 1 }
            defer { start = end }
            guard let index = indexByID[cells[start].column] else { continue }
            let column = table.columns[index]
            let group = cells[start..<end]
            if column.isMultiCell {
                let (value, writetimes) = try collection(group, type: column.dataType)
                row.values[index] = value
                row.elementWritetimes[index] = writetimes
            } else if let cell = group.first, let value = cell.value {
                row.values[index] = try CQLValue.deserialize(bytes: value, type: column.dataType)
                row.writetimes[index] = cell.timestamp
                row.ttls[index] = cell.ttl > 0 ? max(cell.localDeletionTime - now, 0) : nil
            }
        }
    }

    /// The collection and each element's write time, both in the value's element order.
    private func collection(_ cells: ArraySlice<Cell>, type: CQLDataType) throws -> (CQLValue, [Int64]) {
        let writetimes = cells.map(\.timestamp)
        switch type {
        case .list(let element):
            return (.list(try cells.map { try CQLValue.deserialize(bytes: $0.value ?? [], type: element) }), writetimes)
        case .set(let element):
            let items = try cells.map { try CQLValue.deserialize(bytes: $0.path ?? [], type: element) }
            let order = sortedOrder(items, element)
            return (.set(order.map { items[$0] }), order.map { writetimes[$0] })
        case .map(let keyType, let valueType):
            let entries = try cells.map {
                CQLMapEntry(key: try CQLValue.deserialize(bytes: $0.path ?? [], type: keyType),
                            value: try CQLValue.deserialize(bytes: $0.value ?? [], type: valueType))
            }
            let order = sortedOrder(entries.map(\.key), keyType)
            return (.map(order.map { entries[$0] }), order.map { writetimes[$0] })
        default:
            return (.null, [])
        }
    }

    /// Cell paths are serialized bytes, whose order is not the type's (negative ints): the positions
    /// of `items` sorted by the type's order.
    private func sortedOrder(_ items: [CQLValue], _ type: CQLDataType) -> [Int] {
        let keys = items.map { (try? ClusteringEncoding.sortKey($0, as: type)) ?? [] }
        return keys.indices.sorted { compareBytes(keys[$0], keys[$1]) < 0 }
    }
}
