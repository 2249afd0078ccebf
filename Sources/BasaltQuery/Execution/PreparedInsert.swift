import BasaltCore
import BasaltCQL
import BasaltCQLProtocol
import Foundation

/// The work of a prepared INSERT that does not depend on its bound values, done once: the table,
/// which marker feeds which key part or column, and that every value can be stored as the client's
/// bytes. The ingest statement — `INSERT INTO t (k, c, v) VALUES (?, ?, ?)` — then costs a length
/// or UTF-8 check per value instead of a decode to a typed value and an encode back, and no lookups
/// by name.
///
/// The plan only takes what it can do exactly as the general path (`ModificationWrite`) does: every
/// value a positional marker, no USING, no IF NOT EXISTS, no static, collection or counter column,
/// and column types whose stored form is the bound bytes unchanged. For any value it does not take
/// (null or unset in the key, a wrong length, invalid UTF-8, an empty or oversized key) it answers
/// nil and the statement runs the general path, which gives Cassandra's error. A plan belongs to
/// one schema version: `PreparedInsert.Slot` rebuilds it after any schema change.
struct PreparedInsert {
    struct Binding {
        var column: ColumnSchema
        var marker: Int
    }

    let table: TableSchema
    let partitionKey: [Binding]
    let clustering: [Binding]
    /// Non-key columns in the statement's order (cells are appended in that order, as the general path does).
    let regular: [Binding]

    /// Types whose stored form is the bound bytes themselves, with the fixed length the protocol
    /// requires (nil: any length). Others (boolean's any-non-zero, varint's minimal form, frozen
    /// collections' sorting...) are normalized by the general path.
    static func storedAsBound(_ type: CQLDataType) -> (accepted: Bool, length: Int?) {
        switch type {
        case .blob, .text, .ascii: (true, nil)
        case .int: (true, 4)
        case .bigint, .timestamp: (true, 8)
        case .smallint: (true, 2)
        case .tinyint: (true, 1)
        case .uuid: (true, 16)
        default: (false, nil)
        }
    }

    /// The plan for `insert` on `table`, or nil if the statement needs the general path.
    static func plan(_ insert: InsertStatement, table: TableSchema) -> PreparedInsert? {
        guard !insert.ifNotExists, insert.using.ttl == nil, insert.using.timestamp == nil,
              !table.isCounterTable, !SchemaCatalog.isSystemKeyspace(table.keyspace) else { return nil }
        var byName: [String: Binding] = [:]
        var regular: [Binding] = []
        for (name, value) in zip(insert.columns, insert.values) {
            guard case .bindMarker(let marker) = value, marker.name == nil, let column = table.column(named: name),
                  byName[name] == nil, column.kind != .static, !column.isMultiCell,
                  storedAsBound(column.dataType).accepted else { return nil }
            let binding = Binding(column: column, marker: marker.index)
            byName[name] = binding
            if !column.isPrimaryKey { regular.append(binding) }
        }
        let partitionKey = table.partitionKey.compactMap { byName[$0.name] }
        let clustering = table.clusteringColumns.compactMap { byName[$0.name] }
        guard partitionKey.count == table.partitionKey.count, clustering.count == table.clusteringColumns.count else { return nil }
        return PreparedInsert(table: table, partitionKey: partitionKey, clustering: clustering, regular: regular)
    }

    /// The partition update for `values`, or nil if one of them needs the general path.
    func update(_ values: [CQLBoundValue], timestamp: Int64, now: Int32) -> PartitionUpdate? {
        guard timestamp != .min else { return nil }
        func bytes(_ binding: Binding) -> [UInt8]? {
            guard binding.marker < values.count, case .bytes(let bytes) = values[binding.marker],
                  Self.isValid(bytes, binding.column.dataType) else { return nil }
            return bytes
        }
        var components: [[UInt8]] = []
        components.reserveCapacity(partitionKey.count)
        for binding in partitionKey {
            guard let value = bytes(binding), value.count <= KeyLimits.maximum else { return nil }
            components.append(value)
        }
        let key = PartitionKeyEncoding.encode(components)
        guard !key.isEmpty, key.count <= KeyLimits.maximum else { return nil }

        var clusteringValues: [CQLValue] = []
        var sizes: [Int] = []
        for binding in clustering {
            guard let value = bytes(binding), let typed = try? CQLValue.deserialize(bytes: value, type: binding.column.dataType) else { return nil }
            clusteringValues.append(typed)
            sizes.append(value.count)
        }
        let clusteringBytes: [UInt8]
        if clustering.isEmpty {
            clusteringBytes = []
        } else {
            guard let encoded = try? ClusteringEncoding.encode(clusteringValues, columns: table.clusteringColumns),
                  (try? KeyLimits.checkClustering(sizes: sizes, encodedLength: encoded.count)) != nil else { return nil }
            clusteringBytes = encoded
        }

        let ttl = table.options.defaultTimeToLive
        var row = Row(clustering: clustering.isEmpty ? .empty : Clustering(clusteringBytes))
        row.liveness = ttl > 0 ? LivenessInfo(timestamp: timestamp, ttl: ttl, localExpirationTime: now &+ ttl) : LivenessInfo(timestamp: timestamp)
        row.cells.reserveCapacity(regular.count)
        for binding in regular {
            guard binding.marker < values.count else { return nil }
            let id = binding.column.id
            switch values[binding.marker] {
            case .unset: continue
            case .null: row.cells.append(.tombstone(column: id, timestamp: timestamp, now: now))
            case .bytes(let value):
                guard Self.isValid(value, binding.column.dataType) else { return nil }
                row.cells.append(ttl > 0 ? .expiring(column: id, timestamp: timestamp, value: value, ttl: ttl, now: now)
                                         : .live(column: id, timestamp: timestamp, value: value))
            }
        }
        var update = PartitionUpdate(table: table.id, key: PartitionKey(key))
        update.rows = [row]
        return update
    }

    /// Whether `bytes` is a value of `type` whose stored form is itself. An empty value of a
    /// fixed-length type is legal in Cassandra but goes the general way.
    static func isValid(_ bytes: [UInt8], _ type: CQLDataType) -> Bool {
        switch type {
        case .blob: return true
        case .text: return String(validating: bytes, as: UTF8.self) != nil
        case .ascii: return bytes.allSatisfy { $0 < 0x80 }
        default: return storedAsBound(type).length == bytes.count
        }
    }

    /// A prepared statement's plan, rebuilt when the schema changes (a dropped column, a table
    /// dropped and created again: the plan must never outlive the schema it was made for).
    final class Slot: @unchecked Sendable {
        private let lock = NSLock()
        private var version: UUID?
        private var plan: PreparedInsert?

        func plan(for insert: InsertStatement, version current: UUID, resolve: () -> TableSchema?) -> PreparedInsert? {
            // Outer nil: no plan made for this version yet; inner nil: the statement has none.
            if let cached: PreparedInsert? = lock.withLock({ version == current ? .some(plan) : nil }) { return cached }
            let rebuilt = resolve().flatMap { PreparedInsert.plan(insert, table: $0) }
            lock.withLock { (version, plan) = (current, rebuilt) }
            return rebuilt
        }
    }
}
