extension Parser {
    /// `CREATE TABLE [IF NOT EXISTS] [ks.]t (definitions) [WITH options]` (after `CREATE`).
    mutating func createTableStatement() throws(CQLSyntaxError) -> CreateTableStatement {
        advance()  // TABLE or its legacy synonym COLUMNFAMILY, checked by the caller
        let ifNotExists = try ifNotExistsClause()
        var statement = CreateTableStatement(
            table: try qualifiedName(role: "table"), ifNotExists: ifNotExists, columns: [], partitionKey: [])
        let open = current
        try expectSymbol("(")
        var keyDeclared = false
        // Cassandra accepts a trailing comma before the closing parenthesis.
        repeat {
            if isSymbol(")") && !statement.columns.isEmpty { break }
            let definition = current
            if acceptKeyword("primary") {
                try expectKeyword("key")
                try declarePrimaryKey(&keyDeclared, at: definition)
                try primaryKeyClause(into: &statement)
            } else {
                let column = try columnDefinition()
                statement.columns.append(column)
                if acceptKeyword("primary") {
                    try expectKeyword("key")
                    try declarePrimaryKey(&keyDeclared, at: definition)
                    statement.partitionKey = [column.name]
                }
            }
        } while acceptSymbol(",")
        try expectSymbol(")")
        guard keyDeclared else { throw error("No PRIMARY KEY specified for table \(statement.table)", at: open) }
        if acceptKeyword("with") {
            repeat {
                if acceptKeyword("clustering") {
                    try expectKeyword("order")
                    try expectKeyword("by")
                    try expectSymbol("(")
                    repeat { statement.clusteringOrder.append(try ordering()) } while acceptSymbol(",")
                    try expectSymbol(")")
                } else if acceptKeyword("compact") {
                    try expectKeyword("storage")
                    statement.compactStorage = true
                } else {
                    statement.properties.append(try property())
                }
            } while acceptKeyword("and")
        }
        return statement
    }

    /// `ALTER TABLE [IF EXISTS] [ks.]t ADD ... | DROP ... | RENAME ... | WITH ...` (after `ALTER`).
    mutating func alterTableStatement() throws(CQLSyntaxError) -> AlterTableStatement {
        advance()  // TABLE or COLUMNFAMILY
        let ifExists = try ifExistsClause()
        let table = try qualifiedName(role: "table")
        let operation: AlterTableOperation
        if acceptKeyword("add") {
            let ifNotExists = try ifNotExistsClause()
            var columns: [ColumnDefinition] = []
            if acceptSymbol("(") {
                repeat { columns.append(try columnDefinition()) } while acceptSymbol(",")
                try expectSymbol(")")
            } else {
                columns.append(try columnDefinition())
            }
            operation = .add(columns: columns, ifNotExists: ifNotExists)
        } else if acceptKeyword("drop") {
            let ifExists = try ifExistsClause()
            let columns = isSymbol("(") ? try parenthesizedNames() : [try name()]
            var timestamp: Int64?
            if acceptKeyword("using") {
                try expectKeyword("timestamp")
                timestamp = try integerLiteral()
            }
            operation = .drop(columns: columns, ifExists: ifExists, timestamp: timestamp)
        } else if acceptKeyword("rename") {
            let ifExists = try ifExistsClause()
            var pairs: [ColumnRename] = []
            repeat {
                let from = try name()
                try expectKeyword("to")
                pairs.append(ColumnRename(from: from, to: try name()))
            } while acceptKeyword("and")
            operation = .rename(pairs: pairs, ifExists: ifExists)
        } else if acceptKeyword("with") {
            operation = .setProperties(try properties())
        } else {
            throw noViableAlternative()
        }
        return AlterTableStatement(table: table, ifExists: ifExists, operation: operation)
    }

    /// `DROP TABLE [IF EXISTS] [ks.]t` (after `DROP`).
    mutating func dropTableStatement() throws(CQLSyntaxError) -> DropTableStatement {
        advance()  // TABLE or COLUMNFAMILY
        let ifExists = try ifExistsClause()
        return DropTableStatement(table: try qualifiedName(role: "table"), ifExists: ifExists)
    }

    /// `TRUNCATE [TABLE | COLUMNFAMILY] [ks.]t`
    mutating func truncateStatement() throws(CQLSyntaxError) -> TruncateStatement {
        try expectKeyword("truncate")
        if !acceptKeyword("table") { _ = acceptKeyword("columnfamily") }
        return TruncateStatement(table: try qualifiedName(role: "table"))
    }

    /// `name type [STATIC]`
    private mutating func columnDefinition() throws(CQLSyntaxError) -> ColumnDefinition {
        let name = try name()
        let type = try type()
        return ColumnDefinition(name: name, type: type, isStatic: acceptKeyword("static"))
    }

    /// `(k, c1, c2)` or `((k1, k2), c1, c2)`, after `PRIMARY KEY`.
    private mutating func primaryKeyClause(into statement: inout CreateTableStatement) throws(CQLSyntaxError) {
        try expectSymbol("(")
        statement.partitionKey = isSymbol("(") ? try parenthesizedNames() : [try name()]
        while acceptSymbol(",") { statement.clusteringColumns.append(try name()) }
        try expectSymbol(")")
    }

    /// Cassandra requires exactly one PRIMARY KEY declaration, inline or as a clause.
    private func declarePrimaryKey(_ declared: inout Bool, at token: Token) throws(CQLSyntaxError) {
        guard !declared else {
            throw error("Multiple PRIMARY KEYs specified (exactly one required)", at: token)
        }
        declared = true
    }
}
