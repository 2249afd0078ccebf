/// Words that can never be unquoted names.
///
/// This is Cassandra's `reserved_keywords.txt` (4.x/5.0), plus `true` and `false`, which its lexer turns
/// into BOOLEAN tokens. Every other keyword (`key`, `ttl`, `type`, `keyspaces`, ...) is unreserved and may
/// name a keyspace, table or column, exactly as in Cassandra.
enum ReservedWords {
    static let all: Set<String> = [
        "add", "allow", "alter", "and", "apply", "asc", "authorize", "batch", "begin", "by", "columnfamily",
        "create", "delete", "desc", "describe", "drop", "entries", "execute", "from", "full", "grant", "if",
        "in", "index", "infinity", "insert", "into", "is", "keyspace", "limit", "materialized", "modify", "nan",
        "norecursive", "not", "null", "of", "on", "or", "order", "primary", "rename", "revoke", "schema",
        "select", "set", "table", "to", "token", "truncate", "unlogged", "update", "use", "using", "view",
        "where", "with", "true", "false",
    ]

    /// Whether `name` (already lower-cased) is reserved.
    static func contains(_ name: String) -> Bool { all.contains(name) }
}
