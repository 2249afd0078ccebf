extension Parser {
    /// `DESCRIBE | DESC` followed by one of Cassandra's describe targets, then `[WITH INTERNALS]`.
    ///
    /// As in Cassandra's grammar, the keyword alternatives win over the generic `[ks.]name` form, so a
    /// keyspace named `keyspaces` must be quoted.
    mutating func describeStatement() throws(CQLSyntaxError) -> DescribeStatement {
        advance()  // DESCRIBE or DESC, checked by the caller
        let target: DescribeTarget
        if acceptKeyword("cluster") {
            target = .cluster
        } else if acceptKeyword("full") {
            try expectKeyword("schema")
            target = .fullSchema
        } else if acceptKeyword("schema") {
            target = .schema
        } else if acceptKeyword("keyspaces") {
            target = .keyspaces
        } else if isKeyword("keyspace") || (isKeyword("only") && isKeyword("keyspace", 1)) {
            let only = acceptKeyword("only")
            advance()
            target = .keyspace(isName() ? try name() : nil, only: only)
        } else if acceptKeyword("tables") {
            target = .tables
        } else if acceptKeyword("table") || acceptKeyword("columnfamily") {
            target = .table(try qualifiedName(role: "table"))
        } else if acceptKeyword("index") {
            target = .index(try qualifiedName(role: "index"))
        } else if acceptKeyword("materialized") {
            try expectKeyword("view")
            target = .materializedView(try qualifiedName(role: "view"))
        } else if acceptKeyword("types") {
            target = .types
        } else if acceptKeyword("type") {
            target = .type(try qualifiedName(role: "type"))
        } else if acceptKeyword("functions") {
            target = .functions
        } else if acceptKeyword("function") {
            target = .function(try functionName())
        } else if acceptKeyword("aggregates") {
            target = .aggregates
        } else if acceptKeyword("aggregate") {
            target = .aggregate(try functionName())
        } else {
            target = .name(try qualifiedName(role: "table"))
        }
        var withInternals = false
        if acceptKeyword("with") {
            try expectKeyword("internals")
            withInternals = true
        }
        return DescribeStatement(target: target, withInternals: withInternals)
    }
}
