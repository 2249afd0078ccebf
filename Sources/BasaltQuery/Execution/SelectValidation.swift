import BasaltCQL

/// Checks of a SELECT that Cassandra makes before reading anything: what DISTINCT may ask for,
/// and LIMIT values that fit its 32-bit int.
extension QueryProcessor {
    /// Cassandra's `validateDistinctSelection`: DISTINCT returns one row per partition, so only the
    /// partition key and static columns have one value to show, and only they may restrict it.
    func validateDistinct(_ select: SelectStatement, table: TableSchema, restrictions: Restrictions) throws(QueryError) {
        guard select.isDistinct else { return }
        if select.perPartitionLimit != nil { throw .invalid("PER PARTITION LIMIT is not allowed with SELECT DISTINCT queries") }
        let restrictsOthers = select.whereClause.contains { relation in
            Self.columns(of: relation.subject).contains { name in
                guard let column = table.column(named: name) else { return false }
                return column.kind != .partitionKey && column.kind != .static
            }
        }
        if restrictions.restrictsClustering || restrictsOthers {
            throw .invalid("SELECT DISTINCT with WHERE clause only supports restriction by partition key and/or static columns.")
        }
        let requested: [String] = switch select.selection {
        case .all: table.selectStarColumns.map(\.name)
        case .selectors(let selectors): selectors.flatMap { Self.columns(of: $0.expression) }
        }
        for name in requested {
            guard let column = table.column(named: name), column.kind != .partitionKey, column.kind != .static else { continue }
            throw .invalid("SELECT DISTINCT queries must only request partition key columns and/or static columns (not \(name))")
        }
        // A range of partitions is grouped by key, which needs the whole key in every row.
        if restrictions.partitionKeys == nil {
            for column in table.partitionKey where !requested.contains(column.name) {
                throw .invalid("SELECT DISTINCT queries must request all the partition key columns (missing \(column.name))")
            }
        }
    }

    /// LIMIT and PER PARTITION LIMIT are CQL ints: a literal past Int32.max does not parse as one.
    func limit(_ value: IntegerValue?, bound: BoundValues) throws(QueryError) -> Int64 {
        guard let value, let limit = try integer(value, bound: bound) else { return .max }
        guard limit <= Int64(Int32.max) else {
            if case .literal = value { throw .invalid("Unable to make int from '\(limit)'") }
            throw .invalid("Invalid limit value")
        }
        return limit
    }

    private static func columns(of subject: RelationSubject) -> [String] {
        switch subject {
        case .column(let name): [name]
        case .columns(let names): names
        default: []
        }
    }

    /// Columns an expression reads; forms added later read as none (they are checked where evaluated).
    private static func columns(of expression: SelectorExpression) -> [String] {
        switch expression {
        case .column(let name), .writetime(let name), .ttl(let name): [name]
        case .function(_, let arguments): arguments.flatMap { columns(of: $0) }
        default: []
        }
    }
}
