extension Parser {
    /// `SELECT [DISTINCT] (* | selector, ...) FROM [ks.]t [WHERE ...] [ORDER BY c [ASC|DESC], ...]
    /// [PER PARTITION LIMIT n] [LIMIT n] [ALLOW FILTERING]`, clauses in Cassandra's order.
    mutating func selectStatement() throws(CQLSyntaxError) -> SelectStatement {
        try expectKeyword("select")
        // DISTINCT is unreserved: in `SELECT distinct FROM t` or `SELECT distinct, a ...` it is a column.
        let isDistinct = isKeyword("distinct") && !isKeyword("from", 1) && !isSymbol(",", 1)
            && !isKeyword("as", 1) && !isSymbol("(", 1)
        if isDistinct { advance() }
        let selection: Selection
        if acceptSymbol("*") {
            selection = .all
        } else {
            var selectors = [try selector()]
            while acceptSymbol(",") { selectors.append(try selector()) }
            selection = .selectors(selectors)
        }
        try expectKeyword("from")
        var statement = SelectStatement(
            table: try qualifiedName(role: "table"), isDistinct: isDistinct, selection: selection)
        if acceptKeyword("where") { statement.whereClause = try whereClause() }
        if acceptKeyword("order") {
            try expectKeyword("by")
            repeat { statement.orderBy.append(try ordering()) } while acceptSymbol(",")
        }
        if acceptKeyword("per") {
            try expectKeyword("partition")
            try expectKeyword("limit")
            statement.perPartitionLimit = try integerValue(.perPartitionLimit)
        }
        if acceptKeyword("limit") { statement.limit = try integerValue(.limit) }
        if acceptKeyword("allow") {
            try expectKeyword("filtering")
            statement.allowFiltering = true
        }
        statement.bindMarkers = markers
        return statement
    }

    /// `column [ASC|DESC]`, shared with CREATE TABLE's CLUSTERING ORDER BY.
    mutating func ordering() throws(CQLSyntaxError) -> Ordering {
        let column = try name()
        if acceptKeyword("desc") { return Ordering(column: column, descending: true) }
        _ = acceptKeyword("asc")
        return Ordering(column: column)
    }

    private mutating func selector() throws(CQLSyntaxError) -> Selector {
        let expression = try selectorExpression()
        guard acceptKeyword("as") else { return Selector(expression) }
        return Selector(expression, alias: try name())
    }

    private mutating func selectorExpression() throws(CQLSyntaxError) -> SelectorExpression {
        try enterNesting()
        defer { leaveNesting() }
        if isFunctionCallStart {
            // COUNT(*), COUNT(1), WRITETIME(c) and TTL(c) are special forms only when spelled unquoted.
            let special = current.kind == .identifier && !isSymbol(".", 1)
            let countsRows = isSymbol("*", 2) || (peek(2).kind == .integer && peek(2).value == "1")
            if special && isKeyword("count") && countsRows && isSymbol(")", 3) {
                position += 4
                return .countRows
            }
            if special && (isKeyword("writetime") || isKeyword("ttl")) {
                let isWritetime = advance().value == "writetime"
                try expectSymbol("(")
                let column = try name()
                try expectSymbol(")")
                return isWritetime ? .writetime(column) : .ttl(column)
            }
            let function = try functionName()
            try expectSymbol("(")
            var arguments: [SelectorExpression] = []
            if !acceptSymbol(")") {
                repeat { arguments.append(try selectorExpression()) } while acceptSymbol(",")
                try expectSymbol(")")
            }
            return .function(name: function, arguments: arguments)
        }
        if isName() { return .column(advance().value) }
        if let constant = try constantIfPresent() { return .literal(constant) }
        if acceptKeyword("null") { return .literal(.null) }
        throw noViableAlternative()
    }
}
