import BasaltCore
import BasaltCQLProtocol
import BasaltStorage
import Foundation

/// Every keyspace and table the node knows: the built-in system keyspaces plus the user schema, which
/// is persisted in the node's own storage (table `schemaTableID`; rows: `SchemaRows`).
///
/// Start-up (`open`): open the schema table, load the definitions, open every user table, then replay
/// the commit log once. Schema changes are flushed to the schema table's SSTables before they are
/// acknowledged, so loading rarely depends on the commit log: only a change whose flush failed is
/// there alone, and the tables it defines are opened and replayed after the replay
/// (`adoptReplayedDefinitions`). Replaying before the user tables are open is NOT done, because
/// replay discards commit-log segments that no *open* table needs, which would throw away
/// unflushed user data.
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
    /// Random bits for new table and column ids: the system's, or a simulation's seeded ones (the
    /// ids are in the schema version, which a seed must replay).
    private let entropy: @Sendable () -> UInt64

    /// Opens the schema table and every user table it defines; does not replay the commit log.
    public init(engine: StorageEngine, entropy: @escaping @Sendable () -> UInt64 = { UInt64.random(in: .min ... .max) }) throws {
        self.engine = engine
        self.entropy = entropy
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
    public static func open(engine: StorageEngine,
                            entropy: @escaping @Sendable () -> UInt64 = { UInt64.random(in: .min ... .max) }) throws -> SchemaCatalog {
        let catalog = try SchemaCatalog(engine: engine, entropy: entropy)
        try engine.replayCommitLog()
        try catalog.adoptReplayedDefinitions()
        return catalog
    }

    private func load() throws {
        (keyspaces, tables, lastTimestamp) = try SchemaRows.definitions(in: schemaTable)
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
        let (dropped, changes) = try lock.withLock {
            try engine.write(Mutation(facts))
            try engine.flush(schemaTable)
            let (_, dropped, changes) = try adoptStoredDefinitions()
            return (dropped, changes)
        }
        for table in dropped { engine.dropTable(table.id) }
        return changes
    }

    /// After the commit-log replay: the schema table's unflushed records (a DDL whose flush failed,
    /// then a crash) are in its memtable only now, after `load` read its SSTables. The tables they
    /// define are opened and their records replayed on their own, so that writes acknowledged into
    /// them are not left in the commit log unread.
    private func adoptReplayedDefinitions() throws {
        // Nearly always nothing was: `load` saw the whole schema.
        guard schemaTable.statistics.memtablePartitions > 0 else { return }
        let (opened, dropped) = try lock.withLock {
            let (opened, dropped, _) = try adoptStoredDefinitions()
            return (opened, dropped)
        }
        for table in dropped { engine.dropTable(table.id) }
        if !opened.isEmpty { try engine.replayCommitLog(only: Set(opened.map(\.id))) }
    }

    /// Takes the definitions as the schema table holds them, opening the tables that appeared; the
    /// caller drops those that disappeared (outside the lock). Lock held.
    private func adoptStoredDefinitions() throws -> (opened: [TableSchema], dropped: [TableSchema], changes: [CQLSchemaChange]) {
        cachedVersion = nil
        let (newKeyspaces, newTables, newest) = try SchemaRows.definitions(in: schemaTable)
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
        return (opened, dropped, changes)
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
            try persist(keyspace: keyspace.name, row: SchemaRows.keyspaceClustering,
                        definition: SchemaDefinitionCodec.encode(keyspace)) { keyspaces[keyspace.name] = keyspace }
        }
    }

    public func updateKeyspace(_ keyspace: KeyspaceSchema) throws {
        try lock.withLock {
            guard keyspaces[keyspace.name] != nil || keyspace.name == Self.authKeyspace else {
                throw QueryError.keyspaceMissing(keyspace.name)
            }
            try persist(keyspace: keyspace.name, row: SchemaRows.keyspaceClustering,
                        definition: SchemaDefinitionCodec.encode(keyspace)) { keyspaces[keyspace.name] = keyspace }
        }
    }

    public func dropKeyspace(_ name: String) throws {
        var dropped: [TableSchema] = []
        defer { for table in dropped { engine.dropTable(table.id) } }
        try lock.withLock {
            guard keyspaces[name] != nil else { throw QueryError.keyspaceMissing(name) }
            var update = PartitionUpdate(table: Self.schemaTableID, key: SchemaRows.partitionKey(name))
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
            try persist(keyspace: table.keyspace, rows: try SchemaRows.creating(table, at: nextTimestamp()))
        }
    }

    /// Stores what changed from the table as this node knows it to `table` (the same table with an
    /// ALTER applied): only those rows, so that changes other nodes made meanwhile survive.
    public func updateTable(_ table: TableSchema) throws {
        try lock.withLock {
            guard let old = tables[table.keyspace]?[table.name], old.id == table.id else {
                throw QueryError.tableMissing(table.qualifiedName)
            }
            let rows = try SchemaRows.changing(old, to: table, at: nextTimestamp())
            if !rows.isEmpty { try persist(keyspace: table.keyspace, rows: rows) }
        }
    }

    /// An id for a new table: random (version 4), as each node makes its own.
    public func newTableID() -> TableID {
        var bytes = withUnsafeBytes(of: (entropy(), entropy())) { Array($0) }
        bytes[6] = bytes[6] & 0x0F | 0x40
        bytes[8] = bytes[8] & 0x3F | 0x80
        return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                           bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }

    /// A storage id for a column ALTER TABLE ADD puts in `table`: drawn at random from [2^21, 2^28),
    /// past every id CREATE TABLE hands out and none the table holds or retired. Two nodes that add
    /// columns to one table while they cannot reach each other would both take the next id of a
    /// counter, and their columns would share cells once the schemas merge; random ids make that a
    /// one in 2^28 chance (and cost the added columns' cells 3 more bytes).
    public func newColumnID(for table: TableSchema) -> UInt32 {
        let taken = Set(table.columns.map(\.id) + table.droppedColumns.compactMap(\.id))
        while true {
            let id = UInt32(1 << 21) + UInt32(entropy() % UInt64((1 << 28) - (1 << 21)))
            if !taken.contains(id) { return id }
        }
    }

    public func dropTable(keyspace: String, name: String) throws {
        var dropped: TableSchema?
        defer { if let dropped { engine.dropTable(dropped.id) } }
        try lock.withLock {
            guard let table = tables[keyspace]?[name] else { throw QueryError.tableMissing("\(keyspace).\(name)") }
            var update = PartitionUpdate(table: Self.schemaTableID, key: SchemaRows.partitionKey(keyspace))
            update.rows = try SchemaRows.dropping(table, at: DeletionTime(markedForDeleteAt: nextTimestamp(), localDeletionTime: nowSeconds))
            try write(update) {
                tables[keyspace]?[name] = nil
                dropped = table
            }
        }
    }

    // MARK: persistence

    private func persist(keyspace: String, row clustering: Clustering, definition: [UInt8],
                         then apply: () -> Void) throws {
        let row = SchemaRows.row(at: clustering, cell: SchemaRows.definitionCell, value: definition, timestamp: nextTimestamp())
        var update = PartitionUpdate(table: Self.schemaTableID, key: SchemaRows.partitionKey(keyspace))
        update.rows = [row]
        try write(update, then: apply)
    }

    /// Writes table rows, then takes the tables as the schema table now has them: the rows merged
    /// with what peers wrote, so this node holds what every node that has the same rows holds (and
    /// reports the same schema version).
    private func persist(keyspace: String, rows: [Row]) throws {
        var update = PartitionUpdate(table: Self.schemaTableID, key: SchemaRows.partitionKey(keyspace))
        update.rows = rows
        try write(update) { _ = try adoptStoredDefinitions() }
    }

    /// Writes, applies the change in memory, then flushes, so the schema is in SSTables before the
    /// change is acknowledged (see the type comment). A failed flush is reported, but the change is
    /// in the commit log and the memtable already, and the next flush writes it: memory must show
    /// it too, or a later DDL would flush a change this node never took (and peers would pull it).
    private func write(_ update: PartitionUpdate, then apply: () throws -> Void) throws {
        try engine.write(Mutation([update]))
        cachedVersion = nil
        try apply()
        try engine.flush(schemaTable)
    }

    /// Strictly increasing, so a drop and re-create within one microsecond still order correctly.
    private func nextTimestamp() -> Int64 {
        lastTimestamp = max(lastTimestamp + 1, engine.configuration.clock())
        return lastTimestamp
    }

    private var nowSeconds: Int32 { Int32(clamping: engine.configuration.clock() / 1_000_000) }
}
