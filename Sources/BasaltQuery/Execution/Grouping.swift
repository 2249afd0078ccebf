import BasaltCQLProtocol

/// A GROUP BY clause checked against the primary key: groups are whole partitions, or rows sharing a
/// prefix of the clustering columns within a partition. Rows arrive in primary key order, so the
/// rows of a group are always consecutive.
struct Grouping {
    /// Table positions of the clustering columns whose values, with the partition key, make a group.
    let clusteringPositions: [Int]

    /// nil when there is no GROUP BY. As Cassandra, the columns must follow the primary key in its
    /// declared order, skipping only columns restricted to a single value, and cover the whole
    /// partition key.
    init?(_ columns: [String], table: TableSchema, restrictions: Restrictions) throws(QueryError) {
        guard !columns.isEmpty else { return nil }
        let primaryKey = table.partitionKey + table.clusteringColumns
        var next = 0
        var last = -1
        for name in columns {
            guard let column = table.column(named: name), column.isPrimaryKey else {
                throw .invalid("Group by is currently only supported on the columns of the PRIMARY KEY, got \(name)")
            }
            while true {
                guard next < primaryKey.count else {
                    throw .invalid("Group by currently only support groups of columns following their declared order in the PRIMARY KEY")
                }
                let candidate = primaryKey[next]
                next += 1
                if candidate.name == name { break }
                guard restrictions.singleValueColumns.contains(candidate.name) else {
                    throw .invalid("Group by currently only support groups of columns following their declared order in the PRIMARY KEY")
                }
            }
            last = next - 1
        }
        if last < table.partitionKey.count - 1 {
            throw .invalid("Group by is not supported on only a part of the partition key")
        }
        let clusteringCount = last + 1 - table.partitionKey.count
        clusteringPositions = table.clusteringColumns.prefix(clusteringCount).map { column in
            table.columns.firstIndex { $0.name == column.name }!
        }
    }

    /// Rows with equal keys are in the same group.
    func key(_ row: LogicalRow) -> GroupKey {
        GroupKey(partition: row.partitionKey, clustering: clusteringPositions.map { row.values[$0] })
    }

    struct GroupKey: Equatable {
        var partition: [UInt8]
        var clustering: [CQLValue]
    }
}
