import NIOCore

/// One `<col_spec>` (spec §4.2.5.2): a result column or a bind marker, with its table and type.
public struct CQLColumnSpec: Hashable, Sendable {
    public var keyspace: String
    public var table: String
    public var name: String
    public var type: CQLDataType

    public init(keyspace: String, table: String, name: String, type: CQLDataType) {
        self.keyspace = keyspace
        self.table = table
        self.name = name
        self.type = type
    }
}

/// Column specs with the Global_tables_spec flag (0x0001). Encoding uses the global form whenever
/// every column shares one keyspace and table, as Cassandra does; decoding accepts both forms.
enum CQLColumnSpecs {
    static let globalTablesSpecFlag: Int32 = 0x0001

    static func usesGlobalSpec(_ columns: [CQLColumnSpec]) -> Bool {
        guard let first = columns.first else { return false }
        return columns.allSatisfy { $0.keyspace == first.keyspace && $0.table == first.table }
    }
}

extension ByteBuffer {
    /// Reads `count` specs, preceded by the global table spec when `global` is set.
    mutating func readCQLColumnSpecs(count: Int, global: Bool) throws -> [CQLColumnSpec] {
        var globalTable: (keyspace: String, table: String)?
        if global {
            globalTable = (try readCQLString("keyspace"), try readCQLString("table"))
        }
        // A spec is at least a [string] name and a [short] type id (plus two [string]s if not global).
        try checkCount(count, minimumElementSize: global ? 4 : 8)
        var columns: [CQLColumnSpec] = []
        columns.reserveCapacity(count)
        for _ in 0..<count {
            let keyspace = try globalTable?.keyspace ?? readCQLString("keyspace")
            let table = try globalTable?.table ?? readCQLString("table")
            let name = try readCQLString("column name")
            columns.append(CQLColumnSpec(keyspace: keyspace, table: table, name: name, type: try readCQLOption(depth: 0)))
        }
        return columns
    }

    /// Writes the global spec if `global`, then the columns (`global` must come from `usesGlobalSpec`).
    @discardableResult
    mutating func writeCQLColumnSpecs(_ columns: [CQLColumnSpec], global: Bool) -> Int {
        assert(!global || CQLColumnSpecs.usesGlobalSpec(columns))
        var written = 0
        if global, let first = columns.first { written += writeCQLString(first.keyspace) + writeCQLString(first.table) }
        for column in columns {
            if !global { written += writeCQLString(column.keyspace) + writeCQLString(column.table) }
            written += writeCQLString(column.name) + writeCQLDataType(column.type)
        }
        return written
    }
}
