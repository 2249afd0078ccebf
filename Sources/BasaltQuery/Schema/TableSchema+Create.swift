import BasaltCore
import BasaltCQL

extension TableSchema {
    /// Builds a table from CREATE TABLE, checking what Cassandra checks (0x2200 Invalid).
    static func make(from statement: CreateTableStatement, keyspace: String, id: TableID) throws(QueryError) -> TableSchema {
        var seen: Set<String> = []
        for column in statement.columns where !seen.insert(column.name).inserted {
            throw .invalid("Duplicate column '\(column.name)' declaration for table \(keyspace).\(statement.table.name)")
        }
        let definitions = Dictionary(uniqueKeysWithValues: statement.columns.map { ($0.name, $0) })
        for name in statement.partitionKey + statement.clusteringColumns where definitions[name] == nil {
            throw .invalid("Unknown definition \(name) referenced in PRIMARY KEY")
        }
        for ordering in statement.clusteringOrder where !statement.clusteringColumns.contains(ordering.column) {
            throw .invalid("Only clustering key columns can be defined in CLUSTERING ORDER directive")
        }
        let orderNames = statement.clusteringOrder.map(\.column)
        if !orderNames.isEmpty && orderNames != Array(statement.clusteringColumns.prefix(orderNames.count)) {
            throw .invalid("The order of columns in the CLUSTERING ORDER directive must match that of the clustering columns")
        }
        var columns: [ColumnSchema] = []
        var nextID: UInt32 = 1
        func add(_ name: String, kind: ColumnKind, position: Int, descending: Bool = false) throws(QueryError) {
            let definition = definitions[name]!
            if kind != .regular && kind != .static && definition.type.isMultiCell {
                throw .invalid("Invalid non-frozen collection type \(definition.type) for PRIMARY KEY component \(name)")
            }
            if kind == .clustering, case .native(.duration) = definition.type {
                throw .invalid("duration type is not supported for PRIMARY KEY column '\(name)'")
            }
            columns.append(ColumnSchema(id: nextID, name: name, type: definition.type, kind: kind,
                                        position: position, descending: descending))
            nextID += 1
        }
        for (index, name) in statement.partitionKey.enumerated() {
            guard !(definitions[name]!.isStatic) else { throw .invalid("Static column \(name) cannot be part of the PRIMARY KEY") }
            try add(name, kind: .partitionKey, position: index)
        }
        for (index, name) in statement.clusteringColumns.enumerated() {
            guard !(definitions[name]!.isStatic) else { throw .invalid("Static column \(name) cannot be part of the PRIMARY KEY") }
            let descending = statement.clusteringOrder.first { $0.column == name }?.descending ?? false
            try add(name, kind: .clustering, position: index, descending: descending)
        }
        let keyNames = Set(statement.partitionKey + statement.clusteringColumns)
        for definition in statement.columns where !keyNames.contains(definition.name) {
            if definition.isStatic && statement.clusteringColumns.isEmpty {
                throw .invalid("Static columns are only useful (and thus allowed) if the table has at least one clustering column")
            }
            try add(definition.name, kind: definition.isStatic ? .static : .regular, position: -1)
        }
        var options = TableSchemaOptions()
        try SchemaProperties.applyTable(statement.properties, to: &options)
        return TableSchema(keyspace: keyspace, name: statement.table.name, id: id, columns: columns,
                           options: options, nextColumnID: nextID)
    }
}
