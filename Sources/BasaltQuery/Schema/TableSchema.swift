import BasaltCore
import BasaltStorage
import BasaltCQL
import Foundation

/// A table: columns by kind, options, storage identity, and the counter that hands out column ids.
public struct TableSchema: Sendable, Hashable {
    public var keyspace: String
    public var name: String
    public var id: TableID
    /// All live columns; `partitionKey`/`clusteringColumns` give key order.
    public var columns: [ColumnSchema] { didSet { (partitionKey, clusteringColumns) = Self.keyColumns(columns) } }
    /// The key columns in key order, kept with `columns`: every statement asks for them.
    public private(set) var partitionKey: [ColumnSchema]
    public private(set) var clusteringColumns: [ColumnSchema]
    public var options: TableSchemaOptions
    /// Next storage column id for CREATE TABLE's columns (ALTER TABLE ADD draws one at random:
    /// `SchemaCatalog.newColumnID`); ids only grow, so a dropped column's id is never handed out again.
    public var nextColumnID: UInt32
    public var droppedColumns: [DroppedColumn]

    public init(keyspace: String, name: String, id: TableID, columns: [ColumnSchema], options: TableSchemaOptions,
                nextColumnID: UInt32, droppedColumns: [DroppedColumn] = []) {
        self.keyspace = keyspace
        self.name = name
        self.id = id
        self.columns = columns
        (partitionKey, clusteringColumns) = Self.keyColumns(columns)
        self.options = options
        self.nextColumnID = nextColumnID
        self.droppedColumns = droppedColumns
    }

    private static func keyColumns(_ columns: [ColumnSchema]) -> (partitionKey: [ColumnSchema], clustering: [ColumnSchema]) {
        (columns.filter { $0.kind == .partitionKey }.sorted { $0.position < $1.position },
         columns.filter { $0.kind == .clustering }.sorted { $0.position < $1.position })
    }

    /// `SELECT *` order, as Cassandra: partition key, clustering, then the other columns by name.
    public var selectStarColumns: [ColumnSchema] {
        partitionKey + clusteringColumns + columns.filter { !$0.isPrimaryKey }.sorted { $0.name < $1.name }
    }

    public var hasStaticColumns: Bool { columns.contains { $0.kind == .static } }

    /// A table whose regular columns are counters (Cassandra allows no mix of the two).
    public var isCounterTable: Bool { columns.contains { $0.type == .native(.counter) } }

    public func column(named name: String) -> ColumnSchema? { columns.first { $0.name == name } }

    public func column(id: UInt32) -> ColumnSchema? { columns.first { $0.id == id } }

    public var qualifiedName: String { "\(keyspace).\(name)" }
}

/// A column removed by `ALTER TABLE DROP`: kept so that its id stays retired and
/// `system_schema.dropped_columns` can list it.
public struct DroppedColumn: Sendable, Hashable, Codable {
    public var name: String
    public var type: String
    public var kind: ColumnKind
    public var droppedTime: Int64
    /// The storage id it retired (nil in definitions written before ids were recorded: those ids are
    /// all below the table's `nextColumnID`, which never hands them out again).
    public var id: UInt32?

    public init(name: String, type: String, kind: ColumnKind, droppedTime: Int64, id: UInt32?) {
        self.name = name
        self.type = type
        self.kind = kind
        self.droppedTime = droppedTime
        self.id = id
    }
}

/// The table options Basalt honours or shows. Maps keep Cassandra's text form (all values text).
public struct TableSchemaOptions: Sendable, Hashable, Codable {
    public var comment: String = ""
    public var defaultTimeToLive: Int32 = 0
    public var gcGraceSeconds: Int32 = 864_000
    public var compaction: [String: String] = [
        "class": "org.apache.cassandra.db.compaction.SizeTieredCompactionStrategy",
        "max_threshold": "32", "min_threshold": "4",
    ]
    public var compression: [String: String] = [
        "chunk_length_in_kb": "16", "class": "org.apache.cassandra.io.compress.LZ4Compressor",
    ]
    public var bloomFilterFpChance: Double = 0.01
    public var caching: [String: String] = ["keys": "ALL", "rows_per_partition": "NONE"]
    public var speculativeRetry: String = "99p"

    public init() {}

    /// What storage needs of these options.
    func storageOptions(name: String) -> TableOptions {
        let chunkKB = compression["chunk_length_in_kb"].flatMap(Int.init) ?? 16
        let enabled = compression["enabled"].map { $0.lowercased() != "false" } ?? true
        let strategy = compaction["class"] ?? ""
        let compactionOptions: CompactionOptions
        if strategy.hasSuffix("LeveledCompactionStrategy") {
            let sizeMB = compaction["sstable_size_in_mb"].flatMap(Int.init) ?? 160
            compactionOptions = .leveled(sstableSizeBytes: sizeMB << 20)
        } else if strategy.hasSuffix("TimeWindowCompactionStrategy") {
            let size = compaction["compaction_window_size"].flatMap(Int64.init) ?? 1
            let unit: Int64 = switch compaction["compaction_window_unit"]?.uppercased() {
            case "MINUTES": 60
            case "HOURS": 3600
            default: 86_400
            }
            compactionOptions = .timeWindow(windowSeconds: size * unit)
        } else {
            let minT = compaction["min_threshold"].flatMap(Int.init) ?? 4
            let maxT = compaction["max_threshold"].flatMap(Int.init) ?? 32
            compactionOptions = .sizeTiered(minThreshold: minT, maxThreshold: maxT)
        }
        return TableOptions(name: name, gcGraceSeconds: gcGraceSeconds, compaction: compactionOptions,
                            chunkLengthBytes: min(max(chunkKB, 1), 1024) << 10, compression: enabled)
    }
}
