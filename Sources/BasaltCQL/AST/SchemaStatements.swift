/// `CREATE KEYSPACE [IF NOT EXISTS] ks WITH replication = {...} [AND durable_writes = bool]`.
public struct CreateKeyspaceStatement: Hashable, Sendable, CustomStringConvertible {
    public var keyspace: String
    public var ifNotExists: Bool
    public var properties: [Property]

    public init(keyspace: String, ifNotExists: Bool = false, properties: [Property]) {
        self.keyspace = keyspace
        self.ifNotExists = ifNotExists
        self.properties = properties
    }

    public var description: String {
        "CREATE KEYSPACE " + (ifNotExists ? "IF NOT EXISTS " : "") + CQLText.name(keyspace)
            + CQLText.withClause(properties)
    }
}

/// `ALTER KEYSPACE [IF EXISTS] ks WITH ...`.
public struct AlterKeyspaceStatement: Hashable, Sendable, CustomStringConvertible {
    public var keyspace: String
    public var ifExists: Bool
    public var properties: [Property]

    public init(keyspace: String, ifExists: Bool = false, properties: [Property]) {
        self.keyspace = keyspace
        self.ifExists = ifExists
        self.properties = properties
    }

    public var description: String {
        "ALTER KEYSPACE " + (ifExists ? "IF EXISTS " : "") + CQLText.name(keyspace) + CQLText.withClause(properties)
    }
}

/// `DROP KEYSPACE [IF EXISTS] ks`.
public struct DropKeyspaceStatement: Hashable, Sendable, CustomStringConvertible {
    public var keyspace: String
    public var ifExists: Bool

    public init(keyspace: String, ifExists: Bool = false) {
        self.keyspace = keyspace
        self.ifExists = ifExists
    }

    public var description: String { "DROP KEYSPACE " + (ifExists ? "IF EXISTS " : "") + CQLText.name(keyspace) }
}

/// `CREATE TABLE [IF NOT EXISTS] [ks.]t (column type [STATIC] [PRIMARY KEY], ..., [PRIMARY KEY (...)])
/// [WITH CLUSTERING ORDER BY (...) AND option = value ...]`.
///
/// The primary key is normalized: whether it was declared inline or as a clause, `partitionKey` and
/// `clusteringColumns` list its columns in key order. The parser guarantees exactly one declaration.
public struct CreateTableStatement: Hashable, Sendable, CustomStringConvertible {
    public var table: QualifiedName
    public var ifNotExists: Bool
    public var columns: [ColumnDefinition]
    public var partitionKey: [String]
    public var clusteringColumns: [String]
    public var clusteringOrder: [Ordering]
    public var properties: [Property]
    /// `WITH COMPACT STORAGE`: parsed so that the executor can refuse it with Cassandra 4's message.
    public var compactStorage: Bool

    public init(
        table: QualifiedName, ifNotExists: Bool = false, columns: [ColumnDefinition], partitionKey: [String],
        clusteringColumns: [String] = [], clusteringOrder: [Ordering] = [], properties: [Property] = [],
        compactStorage: Bool = false
    ) {
        self.table = table
        self.ifNotExists = ifNotExists
        self.columns = columns
        self.partitionKey = partitionKey
        self.clusteringColumns = clusteringColumns
        self.clusteringOrder = clusteringOrder
        self.properties = properties
        self.compactStorage = compactStorage
    }

    public var description: String {
        let partition = partitionKey.count == 1
            ? CQLText.name(partitionKey[0]) : "(" + CQLText.names(partitionKey) + ")"
        let key = "PRIMARY KEY (" + ([partition] + clusteringColumns.map(CQLText.name)).joined(separator: ", ") + ")"
        var options = properties.map(\.description)
        if !clusteringOrder.isEmpty { options.insert("CLUSTERING ORDER BY (\(CQLText.list(clusteringOrder)))", at: 0) }
        if compactStorage { options.insert("COMPACT STORAGE", at: 0) }
        return "CREATE TABLE " + (ifNotExists ? "IF NOT EXISTS " : "") + table.description
            + " (" + CQLText.list(columns) + ", " + key + ")"
            + (options.isEmpty ? "" : " WITH " + options.joined(separator: " AND "))
    }
}

public struct ColumnDefinition: Hashable, Sendable, CustomStringConvertible {
    public var name: String
    public var type: CQLType
    public var isStatic: Bool

    public init(name: String, type: CQLType, isStatic: Bool = false) {
        self.name = name
        self.type = type
        self.isStatic = isStatic
    }

    public var description: String { "\(CQLText.name(name)) \(type)" + (isStatic ? " STATIC" : "") }
}

/// `ALTER TABLE [IF EXISTS] [ks.]t ADD ... | DROP ... | RENAME ... | WITH ...`.
public struct AlterTableStatement: Hashable, Sendable, CustomStringConvertible {
    public var table: QualifiedName
    public var ifExists: Bool
    public var operation: AlterTableOperation

    public init(table: QualifiedName, ifExists: Bool = false, operation: AlterTableOperation) {
        self.table = table
        self.ifExists = ifExists
        self.operation = operation
    }

    public var description: String {
        "ALTER TABLE " + (ifExists ? "IF EXISTS " : "") + "\(table) \(operation)"
    }
}

public enum AlterTableOperation: Hashable, Sendable, CustomStringConvertible {
    /// `ADD [IF NOT EXISTS] c type [STATIC]` or `ADD (c type, ...)`.
    case add(columns: [ColumnDefinition], ifNotExists: Bool)
    /// `DROP [IF EXISTS] c` or `DROP (c, ...)`, optionally `USING TIMESTAMP n`.
    case drop(columns: [String], ifExists: Bool, timestamp: Int64?)
    /// `RENAME [IF EXISTS] a TO b AND ...` (Cassandra allows it for primary key columns only).
    case rename(pairs: [ColumnRename], ifExists: Bool)
    /// `WITH option = value AND ...`.
    case setProperties([Property])

    public var description: String {
        switch self {
        case .add(let columns, let ifNotExists):
            "ADD " + (ifNotExists ? "IF NOT EXISTS " : "") + "(" + CQLText.list(columns) + ")"
        case .drop(let columns, let ifExists, let timestamp):
            "DROP " + (ifExists ? "IF EXISTS " : "") + "(" + CQLText.names(columns) + ")"
                + (timestamp.map { " USING TIMESTAMP \($0)" } ?? "")
        case .rename(let pairs, let ifExists):
            "RENAME " + (ifExists ? "IF EXISTS " : "") + pairs.map(\.description).joined(separator: " AND ")
        case .setProperties(let properties):
            "WITH " + properties.map(\.description).joined(separator: " AND ")
        }
    }
}

public struct ColumnRename: Hashable, Sendable, CustomStringConvertible {
    public var from: String
    public var to: String

    public init(from: String, to: String) {
        self.from = from
        self.to = to
    }

    public var description: String { "\(CQLText.name(from)) TO \(CQLText.name(to))" }
}

/// `DROP TABLE [IF EXISTS] [ks.]t`.
public struct DropTableStatement: Hashable, Sendable, CustomStringConvertible {
    public var table: QualifiedName
    public var ifExists: Bool

    public init(table: QualifiedName, ifExists: Bool = false) {
        self.table = table
        self.ifExists = ifExists
    }

    public var description: String { "DROP TABLE " + (ifExists ? "IF EXISTS " : "") + table.description }
}

/// `TRUNCATE [TABLE] [ks.]t`.
public struct TruncateStatement: Hashable, Sendable, CustomStringConvertible {
    public var table: QualifiedName

    public init(table: QualifiedName) {
        self.table = table
    }

    public var description: String { "TRUNCATE TABLE \(table)" }
}

/// `USE ks`; the driver sends `USE "ks"` with the case-preserved name on every pooled connection.
public struct UseStatement: Hashable, Sendable, CustomStringConvertible {
    public var keyspace: String

    public init(keyspace: String) {
        self.keyspace = keyspace
    }

    public var description: String { "USE " + CQLText.name(keyspace) }
}

/// `name = value` in a WITH clause. `value` is a constant (string, number, boolean, uuid, blob) or a map
/// of constants (`{'class': 'SimpleStrategy', 'replication_factor': 1}`; `{}` is an empty map here).
public struct Property: Hashable, Sendable, CustomStringConvertible {
    public var name: String
    public var value: Term

    public init(name: String, value: Term) {
        self.name = name
        self.value = value
    }

    public var description: String { "\(CQLText.name(name)) = \(value)" }
}

extension CQLText {
    /// ` WITH a = 1 AND b = 2`, or "" without properties.
    static func withClause(_ properties: [Property]) -> String {
        properties.isEmpty ? "" : " WITH " + properties.map(\.description).joined(separator: " AND ")
    }
}
