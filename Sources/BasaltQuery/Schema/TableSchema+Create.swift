import BasaltCore
import BasaltCQL

extension TableSchema {
    /// Builds a table from CREATE TABLE, checking what Cassandra checks (0x2200 Invalid).
    static func make(from statement: CreateTableStatement, keyspace: String, id: TableID) throws(QueryError) -> TableSchema {
        if statement.compactStorage {
            throw .invalid("Compact tables are not allowed in Cassandra starting with 4.0 version.")
        }
        var seen: Set<String> = []
        for column in statement.columns where !seen.insert(column.name).inserted {
            throw .invalid("Duplicate column '\(column.name)' declaration for table \(keyspace).\(statement.table.name)")
        }
        for column in statement.columns { try checkType(column.type) }
        let definitions = Dictionary(uniqueKeysWithValues: statement.columns.map { ($0.name, $0) })
        var keyColumns: Set<String> = []
        for name in statement.partitionKey + statement.clusteringColumns {
            guard definitions[name] != nil else { throw .invalid("Unknown definition \(name) referenced in PRIMARY KEY") }
            guard keyColumns.insert(name).inserted else {
                throw .invalid("Duplicate column '\(name)' in PRIMARY KEY clause for table '\(statement.table.name)'")
            }
        }
        var ordered: Set<String> = []
        for ordering in statement.clusteringOrder where !ordered.insert(ordering.column).inserted {
            throw .invalid("Duplicate column '\(ordering.column)' in CLUSTERING ORDER BY clause for table '\(statement.table.name)'")
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
            if kind == .partitionKey || kind == .clustering {
                if definition.type.isMultiCell {
                    throw .invalid("Invalid non-frozen collection type \(definition.type) for PRIMARY KEY component \(name)")
                }
                if definition.type == .native(.counter) {
                    throw .invalid("counter type is not supported for PRIMARY KEY column '\(name)'")
                }
                if definition.type.referencesDuration {
                    throw .invalid("duration type is not supported for PRIMARY KEY column '\(name)'")
                }
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
        let counters = statement.columns.filter { !keyNames.contains($0.name) && $0.type == .native(.counter) }
        if !counters.isEmpty && counters.count < statement.columns.count - keyNames.count {
            throw .invalid("Cannot mix counter and non counter columns in the same table")
        }
        for definition in statement.columns where !keyNames.contains(definition.name) {
            if definition.isStatic && statement.clusteringColumns.isEmpty {
                throw .invalid("Static columns are only useful (and thus allowed) if the table has at least one clustering column")
            }
            try add(definition.name, kind: definition.isStatic ? .static : .regular, position: -1)
        }
        var options = TableSchemaOptions()
        try SchemaProperties.applyTable(statement.properties, to: &options)
        if !counters.isEmpty && options.defaultTimeToLive > 0 {
            throw .invalid("Cannot set default_time_to_live on a table with counters")
        }
        return TableSchema(keyspace: keyspace, name: statement.table.name, id: id, columns: columns,
                           options: options, nextColumnID: nextID)
    }

    /// Cassandra's checks on a column type wherever it is declared (`CQL3Type.Raw.prepare`):
    /// counters only as a column's own type, durations neither in a set nor as a map key.
    static func checkType(_ type: CQLType) throws(QueryError) {
        switch type {
        case .native: return
        case .frozen(let inner): try checkType(inner)
        case .tuple(let elements): for element in elements { try checkType(element) }
        case .list(let element), .set(let element):
            if element == .native(.counter) { throw .invalid("Counters are not allowed inside collections: \(type)") }
            if case .set = type, element == .native(.duration) {
                throw .invalid("Durations are not allowed inside sets: \(type)")
            }
            try checkType(element)
        case .map(let key, let value):
            if key == .native(.counter) || value == .native(.counter) {
                throw .invalid("Counters are not allowed inside collections: \(type)")
            }
            if key == .native(.duration) { throw .invalid("Durations are not allowed as map keys: \(type)") }
            try checkType(key)
            try checkType(value)
        }
    }
}

extension CQLType {
    /// Durations have no order, so they cannot be part of a key, even nested.
    var referencesDuration: Bool {
        switch self {
        case .native(let native): native == .duration
        case .frozen(let inner), .list(let inner), .set(let inner): inner.referencesDuration
        case .map(let key, let value): key.referencesDuration || value.referencesDuration
        case .tuple(let elements): elements.contains { $0.referencesDuration }
        }
    }
}
