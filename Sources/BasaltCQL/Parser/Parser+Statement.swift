extension Parser {
    /// One statement, an optional `;`, then the end of the input.
    mutating func singleStatement() throws(CQLSyntaxError) -> Statement {
        let statement = try statement()
        _ = acceptSymbol(";")
        guard atEnd else { throw mismatched(expecting: "EOF") }
        return statement
    }

    /// Statements separated by `;`; empty statements (`;;`) are skipped.
    mutating func script() throws(CQLSyntaxError) -> [Statement] {
        var statements: [Statement] = []
        while true {
            while acceptSymbol(";") {}
            if atEnd { return statements }
            statements.append(try statement())
            if !atEnd { try expectSymbol(";") }
        }
    }

    /// Dispatches on the first keyword. Bind markers are numbered per statement.
    mutating func statement() throws(CQLSyntaxError) -> Statement {
        markers = []
        guard current.kind == .identifier else { throw noViableAlternative() }
        switch current.value {
        case "select": return .select(try selectStatement())
        case "insert": return .insert(try insertStatement())
        case "update": return .update(try updateStatement())
        case "delete": return .delete(try deleteStatement())
        case "begin": return .batch(try batchStatement())
        case "use": return .use(try useStatement())
        case "truncate": return .truncate(try truncateStatement())
        case "create": return try createStatement()
        case "alter": return try alterStatement()
        case "drop": return try dropStatement()
        case "describe", "desc": return .describe(try describeStatement())
        case "list": return .auth(try listStatement())
        case "grant": return .auth(try grantStatement())
        case "revoke": return .auth(try revokeStatement())
        default: throw noViableAlternative()
        }
    }

    /// `CREATE KEYSPACE ...` or `CREATE TABLE|COLUMNFAMILY ...`.
    private mutating func createStatement() throws(CQLSyntaxError) -> Statement {
        try expectKeyword("create")
        try refuseMaterializedView()
        if isKeyword("keyspace") { return .createKeyspace(try createKeyspaceStatement()) }
        if isKeyword("table") || isKeyword("columnfamily") { return .createTable(try createTableStatement()) }
        if isKeyword("role") || isKeyword("user") { return .auth(try createRoleStatement()) }
        throw noViableAlternative()
    }

    private mutating func alterStatement() throws(CQLSyntaxError) -> Statement {
        try expectKeyword("alter")
        try refuseMaterializedView()
        if isKeyword("keyspace") { return .alterKeyspace(try alterKeyspaceStatement()) }
        if isKeyword("table") || isKeyword("columnfamily") { return .alterTable(try alterTableStatement()) }
        if isKeyword("role") || isKeyword("user") { return .auth(try alterRoleStatement()) }
        throw noViableAlternative()
    }

    private mutating func dropStatement() throws(CQLSyntaxError) -> Statement {
        try expectKeyword("drop")
        try refuseMaterializedView()
        if isKeyword("keyspace") { return .dropKeyspace(try dropKeyspaceStatement()) }
        if isKeyword("table") || isKeyword("columnfamily") { return .dropTable(try dropTableStatement()) }
        if isKeyword("role") || isKeyword("user") { return .auth(try dropRoleStatement()) }
        throw noViableAlternative()
    }

    /// Basalt has no materialized views (experimental in Cassandra, off by default since 4.0); a
    /// statement on one is refused by name rather than with a bare "no viable alternative".
    private func refuseMaterializedView() throws(CQLSyntaxError) {
        if isKeyword("materialized") && isKeyword("view", 1) {
            throw error("Materialized views are not supported by Basalt", at: current)
        }
    }
}
