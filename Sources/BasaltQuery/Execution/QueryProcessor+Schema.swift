import BasaltCQL
import BasaltCQLProtocol
import Foundation

extension QueryProcessor {
    /// CREATE/ALTER/DROP KEYSPACE/TABLE and TRUNCATE: change the catalog, answer Schema_change (or
    /// Void when IF [NOT] EXISTS made it a no-op) and publish the same change as an event.
    func schemaChange(_ statement: Statement, session: CQLSession) async throws -> CQLResult {
        let change: CQLSchemaChange
        var keyspaceOfTable = ""
        switch statement {
        case .createKeyspace(let s):
            if catalog.keyspace(s.keyspace) != nil {
                if s.ifNotExists { return .void }
                throw QueryError(.alreadyExists(keyspace: s.keyspace, table: ""), "Cannot add existing keyspace \"\(s.keyspace)\"")
            }
            try SchemaProperties.checkName(s.keyspace, of: "Keyspace")
            var keyspace = KeyspaceSchema(name: s.keyspace, replication: [:])
            try SchemaProperties.applyKeyspace(s.properties, to: &keyspace, requireReplication: true,
                                               dataCenters: knownDataCenters)
            try catalog.createKeyspace(keyspace)
            change = CQLSchemaChange(change: .created, target: .keyspace(s.keyspace))
        case .alterKeyspace(let s):
            guard var keyspace = catalog.keyspace(s.keyspace) else {
                if s.ifExists { return .void }
                throw QueryError.keyspaceMissing(s.keyspace)
            }
            // system_auth's replication is the operator's to raise, as in Cassandra (then repair it).
            if s.keyspace != SchemaCatalog.authKeyspace { try rejectSystem(s.keyspace) }
            try SchemaProperties.applyKeyspace(s.properties, to: &keyspace, requireReplication: false,
                                               dataCenters: knownDataCenters)
            try catalog.updateKeyspace(keyspace)
            change = CQLSchemaChange(change: .updated, target: .keyspace(s.keyspace))
        case .dropKeyspace(let s):
            guard catalog.keyspace(s.keyspace) != nil else {
                if s.ifExists { return .void }
                throw QueryError.keyspaceMissing(s.keyspace)
            }
            try rejectSystem(s.keyspace)
            try catalog.dropKeyspace(s.keyspace)
            if session.keyspace == s.keyspace { session.keyspace = nil }
            change = CQLSchemaChange(change: .dropped, target: .keyspace(s.keyspace))
        case .createTable(let s):
            let keyspace = try keyspaceName(s.table, session: session)
            guard catalog.keyspace(keyspace) != nil else { throw QueryError.keyspaceMissing(keyspace) }
            try rejectSystem(keyspace)
            try SchemaProperties.checkName(s.table.name, of: "Table")
            if catalog.table(keyspace: keyspace, name: s.table.name) != nil {
                if s.ifNotExists { return .void }
                throw QueryError(.alreadyExists(keyspace: keyspace, table: s.table.name),
                                 "Cannot add already existing table \"\(s.table.name)\" to keyspace \"\(keyspace)\"")
            }
            try catalog.createTable(try TableSchema.make(from: s, keyspace: keyspace, id: catalog.newTableID()))
            keyspaceOfTable = keyspace
            change = CQLSchemaChange(change: .created, target: .table(keyspace: keyspace, name: s.table.name))
        case .alterTable(let s):
            let keyspace = try keyspaceName(s.table, session: session)
            guard catalog.table(keyspace: keyspace, name: s.table.name) != nil || !s.ifExists else { return .void }
            var table = try resolveTable(s.table, session: session)
            try rejectSystem(keyspace)
            try alter(&table, s.operation)
            try catalog.updateTable(table)
            change = CQLSchemaChange(change: .updated, target: .table(keyspace: keyspace, name: table.name))
        case .dropTable(let s):
            let keyspace = try keyspaceName(s.table, session: session)
            guard catalog.table(keyspace: keyspace, name: s.table.name) != nil else {
                if s.ifExists { return .void }
                guard catalog.keyspace(keyspace) != nil else { throw QueryError.keyspaceMissing(keyspace) }
                throw QueryError.tableMissing(s.table.name)
            }
            try rejectSystem(keyspace)
            try catalog.dropTable(keyspace: keyspace, name: s.table.name)
            keyspaceOfTable = keyspace
            change = CQLSchemaChange(change: .dropped, target: .table(keyspace: keyspace, name: s.table.name))
        case .truncate(let s):
            let table = try resolveTable(s.table, session: session)
            // The two views that keep history are emptied by TRUNCATE, as pg_stat_statements_reset.
            switch (table.keyspace, table.name) {
            case ("system_views", "statement_stats"):
                observability?.statements?.reset()
                return .void
            case ("system_views", "slow_queries"):
                observability?.slowQueries?.reset()
                return .void
            default:
                break
            }
            try rejectSystem(table.keyspace)
            try await proxy.truncate(table)
            return .void
        default:
            throw QueryError.invalid("Unsupported statement \(statement)")
        }
        await proxy.announceSchemaChange()
        try await schemaChanged(statement, keyspace: keyspaceOfTable, session: session)
        events?.publish(.schemaChange(change))
        return .schemaChange(change)
    }

    /// The data centers NetworkTopologyStrategy may name: this node's and those of the peers it
    /// knows from gossip (a single node knows only its own).
    private var knownDataCenters: Set<String> {
        Set([node.dataCenter] + (peers?.peers.map(\.dataCenter) ?? []))
    }

    private func rejectSystem(_ keyspace: String) throws(QueryError) {
        if SchemaCatalog.isSystemKeyspace(keyspace) {
            throw QueryError(.unauthorized, "\(keyspace) keyspace is not user-modifiable.")
        }
    }

    /// A dropped column may come back only as something that could read what it held (Cassandra's
    /// rule; Basalt gives it a new storage id anyway, but drivers and tools see the old name): the
    /// same type, or a blob in place of any non-collection, and the same kind.
    private func checkReAdd(_ definition: ColumnDefinition, of table: TableSchema) throws(QueryError) {
        guard let dropped = table.droppedColumns.last(where: { $0.name == definition.name }) else { return }
        let type = definition.type.description
        let wasCollection = ["list<", "set<", "map<"].contains { dropped.type.hasPrefix($0) }
        guard type == dropped.type || (type == "blob" && !wasCollection) else {
            throw .invalid("Cannot re-add previously dropped column '\(definition.name)' of type \(type), "
                           + "incompatible with previous type \(dropped.type)")
        }
        let kind: ColumnKind = definition.isStatic ? .static : .regular
        guard kind == dropped.kind else {
            throw .invalid("Cannot re-add previously dropped column '\(definition.name)' of kind \(kind.rawValue), "
                           + "incompatible with previous kind \(dropped.kind.rawValue)")
        }
    }

    private func alter(_ table: inout TableSchema, _ operation: AlterTableOperation) throws(QueryError) {
        switch operation {
        case .add(let columns, let ifNotExists):
            for definition in columns {
                if table.column(named: definition.name) != nil {
                    if ifNotExists { continue }
                    throw .invalid("Column with name '\(definition.name)' already exists")
                }
                if definition.isStatic && table.clusteringColumns.isEmpty {
                    throw .invalid("Static columns are not allowed in COMPACT STORAGE tables or tables without clustering columns")
                }
                try TableSchema.checkType(definition.type)
                let isCounter = definition.type == .native(.counter)
                if isCounter != table.isCounterTable && !table.columns.allSatisfy(\.isPrimaryKey) {
                    throw .invalid(isCounter ? "Cannot add a counter column (\(definition.name)) in a non counter column family"
                                   : "Cannot add a non counter column (\(definition.name)) in a counter column family")
                }
                try checkReAdd(definition, of: table)
                table.columns.append(ColumnSchema(id: catalog.newColumnID(for: table), name: definition.name, type: definition.type,
                                                  kind: definition.isStatic ? .static : .regular))
            }
        case .drop(let names, let ifExists, let timestamp):
            for name in names {
                guard let column = table.column(named: name) else {
                    if ifExists { continue }
                    throw .invalid("Column \(name) was not found in table \(table.qualifiedName)")
                }
                guard !column.isPrimaryKey else { throw .invalid("Cannot drop PRIMARY KEY column \(name)") }
                table.columns.removeAll { $0.name == name }
                table.droppedColumns.append(DroppedColumn(name: name, type: column.type.description, kind: column.kind,
                                                          droppedTime: timestamp ?? engine.configuration.clock(), id: column.id))
            }
        case .rename(let pairs, let ifExists):
            for pair in pairs {
                guard let index = table.columns.firstIndex(where: { $0.name == pair.from }) else {
                    if ifExists { continue }
                    throw .invalid("Column \(pair.from) was not found in table \(table.name)")
                }
                guard table.columns[index].isPrimaryKey else {
                    throw .invalid("Cannot rename non PRIMARY KEY column \(pair.from)")
                }
                guard table.column(named: pair.to) == nil else {
                    throw .invalid("Cannot rename column \(pair.from) to \(pair.to) in table \(table.name); another column with that name already exists")
                }
                table.columns[index].name = pair.to
            }
        case .setProperties(let properties):
            try SchemaProperties.applyTable(properties, to: &table.options)
        }
    }
}
