import BasaltCore
import BasaltCQLProtocol
import BasaltStorage

/// Where the user schema lies in the schema table (docs/formats/schema.md). One partition per
/// keyspace (key: its name in UTF-8) holds:
/// - at the empty clustering, the keyspace's definition (cell 1);
/// - at clustering (table), the table's definition (cell 1): id, options, key columns and all;
/// - at clustering (table, column), one fact per column name (cell 2): its definition, or none once
///   dropped or renamed away, with the drops of that name.
///
/// Every cell is last-write-wins, and a change writes only the rows it changes: an ADD writes its
/// column's fact and nothing else, an option change the table row. So two nodes that change one
/// table while they cannot reach each other (columns added through two coordinators during a
/// partition) keep both changes when their facts merge, instead of the later table definition
/// replacing the earlier one — found by the cluster simulator, where a column whose addition was
/// acknowledged vanished from every node.
enum SchemaRows {
    static let keyspaceClustering = Clustering([])
    /// The cell of a keyspace's or a table's definition.
    static let definitionCell: UInt32 = 1
    /// The cell of a column fact.
    static let columnFactCell: UInt32 = 2

    static func partitionKey(_ keyspace: String) -> PartitionKey { PartitionKey(Array(keyspace.utf8)) }

    static func tableClustering(_ name: String) throws -> Clustering {
        var bytes: [UInt8] = []
        try ClusteringEncoding.encode(.text(name), as: .text, into: &bytes)
        return Clustering(bytes)
    }

    static func columnClustering(table: String, column: String) throws -> Clustering {
        var bytes: [UInt8] = []
        try ClusteringEncoding.encode(.text(table), as: .text, into: &bytes)
        try ClusteringEncoding.encode(.text(column), as: .text, into: &bytes)
        return Clustering(bytes)
    }

    /// The rows that create `table`: its definition and a fact per column. (Each of these returns
    /// rows in clustering order, as a partition update must hold them.)
    static func creating(_ table: TableSchema, at timestamp: Int64) throws -> [Row] {
        try inOrder([definitionRow(table, at: timestamp)] + table.columns.map { column in
            try factRow(table, name: column.name, column: column, dropped: [], at: timestamp)
        })
    }

    /// The rows that turn `old` into `new` (the same table): a fact for every column name whose
    /// definition or drops changed, and the table's definition if anything else did.
    static func changing(_ old: TableSchema, to new: TableSchema, at timestamp: Int64) throws -> [Row] {
        var rows: [Row] = []
        var tableLevel = new
        tableLevel.columns = old.columns
        tableLevel.droppedColumns = old.droppedColumns
        if tableLevel != old { rows.append(try definitionRow(new, at: timestamp)) }
        let names = Set(old.columns.map(\.name) + new.columns.map(\.name) + new.droppedColumns.map(\.name))
        for name in names {
            let column = new.column(named: name)
            let dropped = new.droppedColumns.filter { $0.name == name }
            if column != old.column(named: name) || dropped != old.droppedColumns.filter({ $0.name == name }) {
                rows.append(try factRow(new, name: name, column: column, dropped: dropped, at: timestamp))
            }
        }
        return inOrder(rows)
    }

    /// Row deletions for a dropped table's definition and the facts of its columns.
    static func dropping(_ table: TableSchema, at deletion: DeletionTime) throws -> [Row] {
        let names = Set(table.columns.map(\.name) + table.droppedColumns.map(\.name))
        return try inOrder([Row(clustering: tableClustering(table.name), deletion: deletion)]
            + names.map { Row(clustering: try columnClustering(table: table.name, column: $0), deletion: deletion) })
    }

    private static func inOrder(_ rows: [Row]) -> [Row] { rows.sorted { $0.clustering < $1.clustering } }

    static func row(at clustering: Clustering, cell: UInt32, value: [UInt8], timestamp: Int64) -> Row {
        Row(clustering: clustering, liveness: LivenessInfo(timestamp: timestamp),
            cells: [.live(column: cell, timestamp: timestamp, value: value)])
    }

    private static func definitionRow(_ table: TableSchema, at timestamp: Int64) throws -> Row {
        row(at: try tableClustering(table.name), cell: definitionCell, value: SchemaDefinitionCodec.encode(table), timestamp: timestamp)
    }

    private static func factRow(_ table: TableSchema, name: String, column: ColumnSchema?, dropped: [DroppedColumn],
                                at timestamp: Int64) throws -> Row {
        row(at: try columnClustering(table: table.name, column: name), cell: columnFactCell,
            value: SchemaDefinitionCodec.encodeFact(table: table.id, name: name, column: column, dropped: dropped), timestamp: timestamp)
    }

    /// The user schema as stored: keyspace and table definitions, and the newest timestamp seen. A
    /// table's columns are its facts' (those of its id: a fact of an earlier table of the same name
    /// is ignored); a column without a fact is taken from the table's definition (tables defined
    /// before columns had facts).
    static func definitions(in schemaTable: Table) throws -> ([String: KeyspaceSchema], [String: [String: TableSchema]], Int64) {
        var keyspaces: [String: KeyspaceSchema] = [:]
        var tables: [String: [String: TableSchema]] = [:]
        var facts: [TableID: [String: (column: ColumnSchema?, dropped: [DroppedColumn])]] = [:]
        var lastTimestamp: Int64 = 0
        let scanner = try schemaTable.scanner()
        while let partition = try scanner.next() {
            for row in partition.rows {
                for cell in row.cells {
                    guard let bytes = cell.value else { continue }
                    lastTimestamp = max(lastTimestamp, cell.timestamp)
                    if cell.column == columnFactCell {
                        let fact = try SchemaDefinitionCodec.decodeFact(bytes, in: String(decoding: partition.key.bytes, as: UTF8.self))
                        facts[fact.table, default: [:]][fact.name] = (fact.column, fact.dropped)
                    } else if row.clustering == keyspaceClustering {
                        let keyspace = try SchemaDefinitionCodec.decodeKeyspace(bytes)
                        keyspaces[keyspace.name] = keyspace
                    } else {
                        let table = try SchemaDefinitionCodec.decodeTable(bytes)
                        tables[table.keyspace, default: [:]][table.name] = table
                    }
                }
            }
        }
        for (keyspace, byName) in tables {
            for (name, var table) in byName {
                guard let known = facts[table.id] else { continue }
                table.columns = canonicalOrder(table.columns.filter { known[$0.name] == nil } + known.values.compactMap(\.column))
                table.droppedColumns = (table.droppedColumns.filter { known[$0.name] == nil } + known.values.flatMap(\.dropped))
                    .sorted { ($0.droppedTime, $0.name) < ($1.droppedTime, $1.name) }
                tables[keyspace]?[name] = table
            }
        }
        // A table row survives only with its keyspace row (a dropped keyspace deletes the partition).
        return (keyspaces, tables.filter { keyspaces[$0.key] != nil }, lastTimestamp)
    }

    /// Key columns in key order, then the others by name: one order for the same columns on every
    /// node, whatever order their facts arrived in (the schema version hashes the encoding).
    static func canonicalOrder(_ columns: [ColumnSchema]) -> [ColumnSchema] {
        func rank(_ kind: ColumnKind) -> Int {
            switch kind {
            case .partitionKey: 0
            case .clustering: 1
            case .static, .regular: 2
            }
        }
        return columns.sorted { (rank($0.kind), $0.position, $0.name) < (rank($1.kind), $1.position, $1.name) }
    }
}
