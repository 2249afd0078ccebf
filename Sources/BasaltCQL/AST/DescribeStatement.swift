/// Server-side `DESCRIBE` / `DESC` (cqlsh 6 parses it locally, then sends the original text to the server).
public struct DescribeStatement: Hashable, Sendable, CustomStringConvertible {
    public var target: DescribeTarget
    /// `WITH INTERNALS`
    public var withInternals: Bool

    public init(target: DescribeTarget, withInternals: Bool = false) {
        self.target = target
        self.withInternals = withInternals
    }

    public var description: String { "DESCRIBE \(target)" + (withInternals ? " WITH INTERNALS" : "") }
}

public enum DescribeTarget: Hashable, Sendable, CustomStringConvertible {
    case cluster
    case schema
    case fullSchema
    case keyspaces
    /// `KEYSPACE [ks]` (nil: the session keyspace); `only` for `ONLY KEYSPACE`, which omits the tables.
    case keyspace(String?, only: Bool)
    case tables
    case table(QualifiedName)
    case index(QualifiedName)
    case materializedView(QualifiedName)
    case types
    case type(QualifiedName)
    case functions
    case function(QualifiedName)
    case aggregates
    case aggregate(QualifiedName)
    /// `DESCRIBE x` or `DESCRIBE ks.x`: a keyspace, table, index, view or type, resolved by the executor.
    case name(QualifiedName)

    public var description: String {
        switch self {
        case .cluster: "CLUSTER"
        case .schema: "SCHEMA"
        case .fullSchema: "FULL SCHEMA"
        case .keyspaces: "KEYSPACES"
        case .keyspace(let name, let only):
            (only ? "ONLY " : "") + "KEYSPACE" + (name.map { " " + CQLText.name($0) } ?? "")
        case .tables: "TABLES"
        case .table(let name): "TABLE \(name)"
        case .index(let name): "INDEX \(name)"
        case .materializedView(let name): "MATERIALIZED VIEW \(name)"
        case .types: "TYPES"
        case .type(let name): "TYPE \(name)"
        case .functions: "FUNCTIONS"
        case .function(let name): "FUNCTION " + CQLText.functionName(name)
        case .aggregates: "AGGREGATES"
        case .aggregate(let name): "AGGREGATE " + CQLText.functionName(name)
        case .name(let name): describeName(name)
        }
    }

    /// A generic name whose first part is spelled like a DESCRIBE keyword must be quoted to read back as a name.
    private func describeName(_ name: QualifiedName) -> String {
        let first = name.keyspace ?? name.name
        guard DescribeTarget.keywordLike.contains(first) else { return name.description }
        let quotedFirst = "\"\(first)\""
        return name.keyspace == nil ? quotedFirst : quotedFirst + "." + CQLText.name(name.name)
    }

    static let keywordLike: Set<String> = [
        "cluster", "keyspaces", "only", "tables", "types", "type", "functions", "function", "aggregates",
        "aggregate",
    ]
}
