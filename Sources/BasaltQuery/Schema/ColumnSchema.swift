import BasaltCQL
import BasaltCQLProtocol

/// The role of a column in its table, named as `system_schema.columns.kind` spells it.
public enum ColumnKind: String, Sendable, Hashable, Codable {
    case partitionKey = "partition_key"
    case clustering
    case regular
    case `static`
}

/// One column of a table. `id` is the storage column id of its cells: assigned once from the table's
/// counter and never reused, so cells of a dropped column can never be read as a new column's.
public struct ColumnSchema: Sendable, Hashable {
    public var id: UInt32
    public var name: String
    public var type: CQLType
    public var kind: ColumnKind
    /// Index within the partition key or the clustering columns; -1 for regular and static columns.
    public var position: Int
    /// Clustering columns only: `WITH CLUSTERING ORDER BY (c DESC)`.
    public var descending: Bool

    public init(id: UInt32, name: String, type: CQLType, kind: ColumnKind, position: Int = -1, descending: Bool = false) {
        self.id = id
        self.name = name
        self.type = type
        self.kind = kind
        self.position = position
        self.descending = descending
    }

    public var dataType: CQLDataType { type.dataType }
    /// Non-frozen collections store one cell per element (with the element key as the cell path).
    public var isMultiCell: Bool { type.isMultiCell }
    public var isPrimaryKey: Bool { kind == .partitionKey || kind == .clustering }

    /// `asc`/`desc` for clustering columns, `none` otherwise (`system_schema.columns.clustering_order`).
    public var clusteringOrderText: String { kind == .clustering ? (descending ? "desc" : "asc") : "none" }
}

extension CQLType {
    /// The wire type; `frozen` has no wire form of its own (notes §5).
    public var dataType: CQLDataType {
        switch self {
        case .native(let native): native.dataType
        case .list(let element): .list(element.dataType)
        case .set(let element): .set(element.dataType)
        case .map(let key, let value): .map(key: key.dataType, value: value.dataType)
        case .tuple(let elements): .tuple(elements.map(\.dataType))
        case .frozen(let inner): inner.dataType
        }
    }

    public var isMultiCell: Bool {
        switch self {
        case .list, .set, .map: true
        default: false
        }
    }

    /// Collections nested in a collection or tuple are always frozen in Cassandra; this is the text
    /// `system_schema` shows, e.g. `frozen<list<int>>`.
    public var isCollection: Bool {
        switch self {
        case .list, .set, .map: true
        case .frozen(let inner): inner.isCollection
        default: false
        }
    }
}

extension NativeType {
    var dataType: CQLDataType {
        switch self {
        case .ascii: .ascii
        case .bigint: .bigint
        case .blob: .blob
        case .boolean: .boolean
        case .counter: .counter
        case .date: .date
        case .decimal: .decimal
        case .double: .double
        case .duration: .duration
        case .float: .float
        case .inet: .inet
        case .int: .int
        case .smallint: .smallint
        case .text: .text
        case .time: .time
        case .timestamp: .timestamp
        case .timeuuid: .timeuuid
        case .tinyint: .tinyint
        case .uuid: .uuid
        case .varint: .varint
        }
    }
}
