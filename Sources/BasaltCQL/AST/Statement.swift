/// One parsed CQL-lite statement.
public enum Statement: Hashable, Sendable, CustomStringConvertible {
    case select(SelectStatement)
    case insert(InsertStatement)
    case update(UpdateStatement)
    case delete(DeleteStatement)
    case batch(BatchStatement)
    case use(UseStatement)
    case createKeyspace(CreateKeyspaceStatement)
    case alterKeyspace(AlterKeyspaceStatement)
    case dropKeyspace(DropKeyspaceStatement)
    case createTable(CreateTableStatement)
    case alterTable(AlterTableStatement)
    case dropTable(DropTableStatement)
    case truncate(TruncateStatement)
    case describe(DescribeStatement)
    case auth(AuthStatement)

    /// The statement's bind markers in order of appearance (`index` 0, 1, ...); schema statements have none.
    public var bindMarkers: [BindMarker] {
        switch self {
        case .select(let statement): statement.bindMarkers
        case .insert(let statement): statement.bindMarkers
        case .update(let statement): statement.bindMarkers
        case .delete(let statement): statement.bindMarkers
        case .batch(let statement): statement.bindMarkers
        case .use, .createKeyspace, .alterKeyspace, .dropKeyspace, .createTable, .alterTable, .dropTable,
             .truncate, .describe, .auth: []
        }
    }

    /// Canonical CQL for the statement, which parses back to an equal `Statement`.
    public var description: String {
        switch self {
        case .select(let statement): statement.description
        case .insert(let statement): statement.description
        case .update(let statement): statement.description
        case .delete(let statement): statement.description
        case .batch(let statement): statement.description
        case .use(let statement): statement.description
        case .createKeyspace(let statement): statement.description
        case .alterKeyspace(let statement): statement.description
        case .dropKeyspace(let statement): statement.description
        case .createTable(let statement): statement.description
        case .alterTable(let statement): statement.description
        case .dropTable(let statement): statement.description
        case .truncate(let statement): statement.description
        case .describe(let statement): statement.description
        case .auth(let statement): statement.description
        }
    }
}
