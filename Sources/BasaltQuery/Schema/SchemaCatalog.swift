import BasaltCore
import BasaltCQLProtocol
import BasaltStorage
import Foundation

/// Every keyspace and table the node knows: the built-in system keyspaces plus the user schema, which
/// is persisted in the node's own storage (table `schemaTableID`: one partition per keyspace, the
/// keyspace's definition at the empty clustering and one row per table, each a JSON definition).
///
/// Start-up (`open`): open the schema table, load the definitions, open every user table, then replay
/// the commit log once. Schema changes are flushed to the schema table's SSTables before they are
/// acknowledged, so loading never depends on the commit log; replaying before the user tables are
/// open is NOT done, because replay discards commit-log segments that no *open* table needs, which
/// would throw away unflushed user data.
public final class SchemaCatalog: @unchecked Sendable {
    public static let schemaTableID: TableID = nameBasedUUID("basalt.schema_definitions")

    private let engine: StorageEngine
    private let schemaTable: Table
    private let lock = NSLock()
    private var keyspaces: [String: KeyspaceSchema] = [:]
    private var tables: [String: [String: TableSchema]] = [:] {
        // Schema changes are rare; the lookup by id is on every write's path.
        didSet { tablesByID = Dictionary(tables.values.flatMap { $0.values }.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first }) }
    }
    private var tablesByID: [TableID: TableSchema] = [:]
    private var lastTimestamp: Int64 = 0
    private var cachedVersion: UUID?

    /// Opens the schema table and every user table it defines; does not replay the commit log.
    public init(engine: StorageEngine) throws {
        self.engine = engine
        schemaTable = try engine.openTable(Self.schemaTableID, options: TableOptions(name: "system_schema.basalt_definitions"))
        try load()
        for table in tables.values.flatMap(\.values) + Self.authTables {
            try engine.openTable(table.id, options: table.options.storageOptions(name: table.qualifiedName))
        }
    }

    /// The one system keyspace whose rows are stored (and replicated) like a user keyspace's: roles
    /// and permissions. Its tables have fixed ids, so every node opens the same ones.
    public static let authKeyspace = "system_auth"
    static let authTables: [TableSchema] = SystemSchemaDefinitions.tables[authKeyspace].map { Array($0.values) } ?? []
    private static let authTablesByID = Dictionary(authTables.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    private static let systemKeyspacesByName = Dictionary(
        (SystemSchemaDefinitions.keyspaces + SystemSchemaDefinitions.virtualKeyspaces).map { ($0.name, $0) },
        uniquingKeysWith: { first, _ in first })

    /// The whole start-up sequence: catalog, user tables, then one commit-log replay.
    public static func open(engine: StorageEngine) throws -> SchemaCatalog {
        let catalog = try SchemaCatalog(engine: engine)
        try engine.replayCommitLog()
        return catalog
    }

    private func load() throws {
        (keyspaces, tables, lastTimestamp) = try Self.definitions(in: schemaTable)
    }

    /// The user schema as stored: keyspace and table definitions, and the newest timestamp seen.
    private static func definitions(in schemaTable: Table) throws
        -> ([String: KeyspaceSchema], [String: [String: TableSchema]], Int64) {
        var keyspaces: [String: KeyspaceSchema] = [:]
        var tables: [String: [String: TableSchema]] = [:]
        var lastTimestamp: Int64 = 0
        let scanner = try schemaTable.scanner()
        while let partition = try scanner.next() {
            for row in partition.rows {
                guard let cell = row.cells.first(where: { $0.column == 1 }), let bytes = cell.value else { continue }
                if row.clustering == Self.keyspaceClustering {
                    let keyspace = try SchemaDefinitionCodec.decodeKeyspace(bytes)
                    keyspaces[keyspace.name] = keyspace
                } else {
                    let table = try SchemaDefinitionCodec.decodeTable(bytes)
                    tables[table.keyspace, default: [:]][table.name] = table
                }
                lastTimestamp = max(lastTimestamp, cell.timestamp)
            }
        }
        // A table row survives only with its keyspace row (a dropped keyspace deletes the partition).
        return (keyspaces, tables.filter { keyspaces[$0.key] != nil }, lastTimestamp)
    }

    // MARK: schema exchange between nodes

    /// Every fact of the schema table (tombstones included), for a node that pulls the schema.
    /// Definitions are last-write-wins cells, so merging two nodes' facts in any order converges.
    public func schemaFacts() throws -> [PartitionUpdate] {
        let scanner = try schemaTable.scanner()
        var facts: [PartitionUpdate] = []
        while let partition = try scanner.nextMerged() { facts.append(partition) }
        return facts
    }

    /// Applies schema facts from another node, opens tables that appeared, drops those that
    /// disappeared, and returns the changes (for SCHEMA_CHANGE events to this node's clients).
    /// Updates for any other table are ignored: a peer cannot write user data through this path.
    @discardableResult
    public func mergeSchemaFacts(_ updates: [PartitionUpdate]) throws -> [CQLSchemaChange] {
        let facts = updates.filter { $0.table == Self.schemaTableID }
        guard !facts.isEmpty else { return [] }
        let (dropped, changes): ([TableSchema], [CQLSchemaChange]) = try lock.withLock {
            try engine.write(Mutation(facts))
            try engine.flush(schemaTable)
            cachedVersion = nil
            let (newKeyspaces, newTables, newest) = try Self.definitions(in: schemaTable)
            let before = tables.values.flatMap(\.values)
            let after = newTables.values.flatMap(\.values)
            let beforeIDs = Dictionary(before.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            let afterIDs = Dictionary(after.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            let opened = after.filter { beforeIDs[$0.id] == nil }
            let dropped = before.filter { afterIDs[$0.id] == nil }
            for table in opened {
                try engine.openTable(table.id, options: table.options.storageOptions(name: table.qualifiedName))
            }
            var changes: [CQLSchemaChange] = []
            for name in Set(newKeyspaces.keys).union(keyspaces.keys).sorted() {
                switch (keyspaces[name], newKeyspaces[name]) {
                case (nil, _?): changes.append(CQLSchemaChange(change: .created, target: .keyspace(name)))
                case (_?, nil): changes.append(CQLSchemaChange(change: .dropped, target: .keyspace(name)))
                case let (old?, new?) where old != new: changes.append(CQLSchemaChange(change: .updated, target: .keyspace(name)))
                default: break
                }
            }
            for table in opened { changes.append(CQLSchemaChange(change: .created, target: .table(keyspace: table.keyspace, name: table.name))) }
            for table in dropped { changes.append(CQLSchemaChange(change: .dropped, target: .table(keyspace: table.keyspace, name: table.name))) }
            for table in after where beforeIDs[table.id].map({ $0 != table }) ?? false {
                changes.append(CQLSchemaChange(change: .updated, target: .table(keyspace: table.keyspace, name: table.name)))
            }
            keyspaces = newKeyspaces
            tables = newTables
            lastTimestamp = max(lastTimestamp, newest)
            return (dropped, changes)
        }
        for table in dropped { engine.dropTable(table.id) }
        return changes
    }

    // MARK: reads

    public func keyspace(_ name: String) -> KeyspaceSchema? {
        // An operator's ALTER of system_auth (its replication) is stored like a user keyspace's.
        if name == Self.authKeyspace, let altered = lock.withLock({ keyspaces[name] }) { return altered }
        if let keyspace = Self.systemKeyspacesByName[name] { return keyspace }
        return lock.withLock { keyspaces[name] }
    }

    public func table(keyspace: String, name: String) -> TableSchema? {
        if let system = SystemSchemaDefinitions.tables[keyspace]?[name] { return system }
        return lock.withLock { tables[keyspace]?[name] }
    }

    /// A user table by id: how the coordinator finds the keyspace (and so the replication) of a
    /// partition update, on every write.
    public func table(id: TableID) -> TableSchema? {
        if let auth = Self.authTablesByID[id] { return auth }
        return lock.withLock { tablesByID[id] }
    }

    /// System keyspaces first, then user keyspaces by name (virtual keyspaces are not among them).
    public var allKeyspaces: [KeyspaceSchema] {
        SystemSchemaDefinitions.keyspaces.map { keyspace($0.name) ?? $0 } + userKeyspaces
    }

    public var userKeyspaces: [KeyspaceSchema] {
        lock.withLock { keyspaces.values.filter { !Self.isSystemKeyspace($0.name) }.sorted { $0.name < $1.name } }
    }

    /// Tables of a keyspace by name.
    public func tables(in keyspace: String) -> [TableSchema] {
        if let system = SystemSchemaDefinitions.tables[keyspace] { return system.values.sorted { $0.name < $1.name } }
        return lock.withLock { (tables[keyspace] ?? [:]).values.sorted { $0.name < $1.name } }
    }

    public static func isSystemKeyspace(_ name: String) -> Bool { SystemSchemaDefinitions.names.contains(name) }

    /// A UUID derived from an MD5 of the canonical encoding of the user schema, so that nodes with
    /// equal schemas report equal versions (drivers wait for agreement on it after DDL, notes §2.6).
    public var schemaVersion: UUID {
        lock.withLock {
            if let cachedVersion { return cachedVersion }
            var bytes: [UInt8] = []
            for keyspace in keyspaces.values.sorted(by: { $0.name < $1.name }) {
                bytes += SchemaDefinitionCodec.encode(keyspace)
                for table in (tables[keyspace.name] ?? [:]).values.sorted(by: { $0.name < $1.name }) {
                    bytes += SchemaDefinitionCodec.encode(table)
                }
            }
            let version = nameBasedUUID(bytes: bytes)
            cachedVersion = version
            return version
        }
    }

    // MARK: changes

    public func createKeyspace(_ keyspace: KeyspaceSchema) throws {
        try lock.withLock {
            guard keyspaces[keyspace.name] == nil, !Self.isSystemKeyspace(keyspace.name) else {
                throw QueryError(.alreadyExists(keyspace: keyspace.name, table: ""),
                                 "Cannot add existing keyspace \"\(keyspace.name)\"")
            }
            try persist(keyspace: keyspace.name, row: Self.keyspaceClustering,
                        definition: SchemaDefinitionCodec.encode(keyspace)) { keyspaces[keyspace.name] = keyspace }
        }
    }

    public func updateKeyspace(_ keyspace: KeyspaceSchema) throws {
        try lock.withLock {
            guard keyspaces[keyspace.name] != nil || keyspace.name == Self.authKeyspace else {
                throw QueryError.keyspaceMissing(keyspace.name)
            }
            try persist(keyspace: keyspace.name, row: Self.keyspaceClustering,
                        definition: SchemaDefinitionCodec.encode(keyspace)) { keyspaces[keyspace.name] = keyspace }
        }
    }

    public func dropKeyspace(_ name: String) throws {
        var dropped: [TableSchema] = []
        defer { for table in dropped { engine.dropTable(table.id) } }
        try lock.withLock {
            guard keyspaces[name] != nil else { throw QueryError.keyspaceMissing(name) }
            var update = PartitionUpdate(table: Self.schemaTableID, key: Self.partitionKey(name))
            update.partitionDeletion = DeletionTime(markedForDeleteAt: nextTimestamp(), localDeletionTime: nowSeconds)
            try write(update) {
                keyspaces[name] = nil
                dropped = Array((tables.removeValue(forKey: name) ?? [:]).values)
            }
        }
    }

    public func createTable(_ table: TableSchema) throws {
        try lock.withLock {
            guard keyspaces[table.keyspace] != nil else { throw QueryError.keyspaceMissing(table.keyspace) }
            guard tables[table.keyspace]?[table.name] == nil else {
                throw QueryError(.alreadyExists(keyspace: table.keyspace, table: table.name),
                                 "Cannot add already existing table \"\(table.name)\" to keyspace \"\(table.keyspace)\"")
            }
            try engine.openTable(table.id, options: table.options.storageOptions(name: table.qualifiedName))
            try persist(table) { tables[table.keyspace, default: [:]][table.name] = table }
        }
    }

    public func updateTable(_ table: TableSchema) throws {
        try lock.withLock {
            guard tables[table.keyspace]?[table.name] != nil else { throw QueryError.tableMissing(table.qualifiedName) }
            try persist(table) { tables[table.keyspace]?[table.name] = table }
        }
    }

    public func dropTable(keyspace: String, name: String) throws {
        var dropped: TableSchema?
        defer { if let dropped { engine.dropTable(dropped.id) } }
        try lock.withLock {
            guard let table = tables[keyspace]?[name] else { throw QueryError.tableMissing("\(keyspace).\(name)") }
            var update = PartitionUpdate(table: Self.schemaTableID, key: Self.partitionKey(keyspace))
            update.rows = [Row(clustering: try Self.tableClustering(name),
                               deletion: DeletionTime(markedForDeleteAt: nextTimestamp(), localDeletionTime: nowSeconds))]
            try write(update) {
                tables[keyspace]?[name] = nil
                dropped = table
            }
        }
    }

    // MARK: persistence

    private static let keyspaceClustering = Clustering([])

    private static func partitionKey(_ keyspace: String) -> PartitionKey { PartitionKey(Array(keyspace.utf8)) }

    private static func tableClustering(_ name: String) throws -> Clustering {
        var bytes: [UInt8] = []
        try ClusteringEncoding.encode(.text(name), as: .text, into: &bytes)
        return Clustering(bytes)
    }

    private func persist(_ table: TableSchema, then apply: () -> Void) throws {
        try persist(keyspace: table.keyspace, row: try Self.tableClustering(table.name),
                    definition: SchemaDefinitionCodec.encode(table), then: apply)
    }

    private func persist(keyspace: String, row clustering: Clustering, definition: [UInt8],
                         then apply: () -> Void) throws {
        let timestamp = nextTimestamp()
        var update = PartitionUpdate(table: Self.schemaTableID, key: Self.partitionKey(keyspace))
        update.rows = [Row(clustering: clustering, liveness: LivenessInfo(timestamp: timestamp),
                           cells: [.live(column: 1, timestamp: timestamp, value: definition)])]
        try write(update, then: apply)
    }

    /// Writes, applies the change in memory, then flushes, so the schema is in SSTables before the
    /// change is acknowledged (see the type comment). A failed flush is reported, but the change is
    /// in the commit log and the memtable already, and the next flush writes it: memory must show
    /// it too, or a later DDL would flush a change this node never took (and peers would pull it).
    private func write(_ update: PartitionUpdate, then apply: () -> Void) throws {
        try engine.write(Mutation([update]))
        apply()
        cachedVersion = nil
        try engine.flush(schemaTable)
    }

    /// Strictly increasing, so a drop and re-create within one microsecond still order correctly.
    private func nextTimestamp() -> Int64 {
        lastTimestamp = max(lastTimestamp + 1, engine.configuration.clock())
        return lastTimestamp
    }

    private var nowSeconds: Int32 { Int32(clamping: engine.configuration.clock() / 1_000_000) }
}
