import BasaltCQLProtocol

/// What one execution returned: for a SELECT one page of rows (iterate with `rows(...)` to get
/// them all), for DDL the schema change, for `USE` the keyspace; otherwise nothing.
public struct ResultSet: Sendable, RandomAccessCollection {
    /// The columns of `rows` (empty for results without rows).
    public let columns: ColumnDefinitions
    /// This page's rows.
    public let rows: [Row]
    /// Present when more pages follow; pass it back in `Statement.pagingState` to fetch the next.
    public let pagingState: [UInt8]?
    /// Set by DDL: what changed.
    public let schemaChange: CQLSchemaChange?
    /// Set by `USE`.
    public let keyspace: String?

    public var hasMorePages: Bool { pagingState != nil }

    public var startIndex: Int { rows.startIndex }
    public var endIndex: Int { rows.endIndex }
    public subscript(position: Int) -> Row { rows[position] }

    static let empty = ResultSet(columns: .empty, rows: [], pagingState: nil, schemaChange: nil, keyspace: nil)

    init(columns: ColumnDefinitions, rows: [Row], pagingState: [UInt8]?, schemaChange: CQLSchemaChange?, keyspace: String?) {
        self.columns = columns
        self.rows = rows
        self.pagingState = pagingState
        self.schemaChange = schemaChange
        self.keyspace = keyspace
    }

    /// Builds the result of a RESULT message. `cachedColumns` are the prepared statement's result
    /// columns, used when the node skipped the metadata because the client asked it to.
    init(_ result: CQLResult, cachedColumns: ColumnDefinitions?) throws(BasaltClientError) {
        switch result {
        case .void:
            self = .empty
        case .rows(let rows):
            let columns: ColumnDefinitions
            if let specs = rows.metadata.columns {
                columns = specs == cachedColumns?.specs ? cachedColumns! : ColumnDefinitions(specs)
            } else if let cachedColumns, cachedColumns.count == rows.metadata.columnCount {
                columns = cachedColumns
            } else {
                throw .unexpectedResponse(message: "rows without metadata, and no prepared metadata of \(rows.metadata.columnCount) columns")
            }
            self.init(
                columns: columns, rows: rows.rows.map { Row(columns: columns, cells: $0) },
                pagingState: rows.metadata.pagingState, schemaChange: nil, keyspace: nil)
        case .setKeyspace(let keyspace):
            self.init(columns: .empty, rows: [], pagingState: nil, schemaChange: nil, keyspace: keyspace)
        case .schemaChange(let change):
            self.init(columns: .empty, rows: [], pagingState: nil, schemaChange: change, keyspace: nil)
        case .prepared:
            throw .unexpectedResponse(message: "a PREPARED result for an execution")
        }
    }
}
