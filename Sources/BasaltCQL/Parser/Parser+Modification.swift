extension Parser {
    /// `INSERT INTO [ks.]t (c, ...) VALUES (v, ...) [IF NOT EXISTS] [USING ...]`.
    mutating func insertStatement() throws(CQLSyntaxError) -> InsertStatement {
        let firstMarker = markers.count
        try expectKeyword("insert")
        try expectKeyword("into")
        let table = try qualifiedName(role: "table")
        if isKeyword("json") { throw error("INSERT JSON is not supported", at: current) }
        let columns = try parenthesizedNames()
        try expectKeyword("values")
        let valuesStart = current
        try expectSymbol("(")
        var values: [Term] = []
        repeat {
            // Markers in VALUES bind the column listed in the same position.
            let target = values.count < columns.count ? BindTarget.column(columns[values.count]) : .unknown
            values.append(try term(target))
        } while acceptSymbol(",")
        try expectSymbol(")")
        guard values.count == columns.count else { throw error("Unmatched column names/values", at: valuesStart) }
        var statement = InsertStatement(table: table, columns: columns, values: values)
        if acceptKeyword("if") {
            try expectKeyword("not")
            try expectKeyword("exists")
            statement.ifNotExists = true
        }
        if acceptKeyword("using") { statement.using = try usingClause() }
        statement.bindMarkers = Array(markers[firstMarker...])
        return statement
    }

    /// `UPDATE [ks.]t [USING ...] SET assignment, ... WHERE ... [IF ...]`.
    mutating func updateStatement() throws(CQLSyntaxError) -> UpdateStatement {
        let firstMarker = markers.count
        try expectKeyword("update")
        let table = try qualifiedName(role: "table")
        let using = acceptKeyword("using") ? try usingClause() : UsingClause()
        try expectKeyword("set")
        var assignments = [try assignment()]
        while acceptSymbol(",") { assignments.append(try assignment()) }
        try expectKeyword("where")
        var statement = UpdateStatement(
            table: table, using: using, assignments: assignments, whereClause: try whereClause())
        if acceptKeyword("if") { (statement.ifExists, statement.conditions) = try ifClause() }
        statement.bindMarkers = Array(markers[firstMarker...])
        return statement
    }

    /// `DELETE [c, m[k], ...] FROM [ks.]t [USING TIMESTAMP n] WHERE ... [IF ...]`.
    mutating func deleteStatement() throws(CQLSyntaxError) -> DeleteStatement {
        let firstMarker = markers.count
        try expectKeyword("delete")
        var columns: [DeleteTarget] = []
        if !isKeyword("from") {
            repeat {
                let column = try name()
                if acceptSymbol("[") {
                    columns.append(.element(column: column, key: try term(.key(column))))
                    try expectSymbol("]")
                } else {
                    columns.append(.column(column))
                }
            } while acceptSymbol(",")
        }
        try expectKeyword("from")
        let table = try qualifiedName(role: "table")
        var timestamp: IntegerValue?
        if acceptKeyword("using") {
            try expectKeyword("timestamp")
            timestamp = try integerValue(.timestamp)
        }
        try expectKeyword("where")
        var statement = DeleteStatement(
            columns: columns, table: table, timestamp: timestamp, whereClause: try whereClause())
        if acceptKeyword("if") { (statement.ifExists, statement.conditions) = try ifClause() }
        statement.bindMarkers = Array(markers[firstMarker...])
        return statement
    }

    /// `TTL n AND TIMESTAMP n`, either order, after `USING`.
    mutating func usingClause() throws(CQLSyntaxError) -> UsingClause {
        var clause = UsingClause()
        repeat {
            if acceptKeyword("ttl") {
                clause.ttl = try integerValue(.ttl)
            } else if acceptKeyword("timestamp") {
                clause.timestamp = try integerValue(.timestamp)
            } else {
                throw noViableAlternative()
            }
        } while acceptKeyword("and")
        return clause
    }

    /// `c = v`, `c = c + v`, `c = v + c`, `c = c - v`, `c = c -1`, `c += v`, `c -= v`, `m[k] = v`.
    private mutating func assignment() throws(CQLSyntaxError) -> Assignment {
        let column = try name()
        if acceptSymbol("[") {
            let key = try term(.key(column))
            try expectSymbol("]")
            try expectSymbol("=")
            return .setElement(column: column, key: key, value: try term(.value(column)))
        }
        if acceptSymbol("+=") { return .add(column: column, value: try term(.column(column))) }
        if acceptSymbol("-=") { return .subtract(column: column, value: try term(.column(column))) }
        try expectSymbol("=")
        // `c = c + v` / `c = c - v` / `c = c -1`: a name followed by an operator or a signed integer.
        let signedInteger = peek(1).kind == .integer && peek(1).value.hasPrefix("-")
        if isName() && (isSymbol("+", 1) || isSymbol("-", 1) || signedInteger) {
            let other = current
            try requireSameColumn(other, as: column, form: "X = X \(isSymbol("+", 1) ? "+" : "-") <value>")
            advance()
            if acceptSymbol("+") { return .add(column: column, value: try term(.column(column))) }
            if acceptSymbol("-") { return .subtract(column: column, value: try term(.column(column))) }
            return .add(column: column, value: .integer(advance().value))
        }
        let value = try term(.column(column))
        guard acceptSymbol("+") else { return .set(column: column, value: value) }
        let other = current
        _ = try name()
        try requireSameColumn(other, as: column, form: "X = <value> + X")
        return .prepend(column: column, value: value)
    }

    /// Cassandra only allows arithmetic on the assigned column itself.
    private func requireSameColumn(_ token: Token, as column: String, form: String) throws(CQLSyntaxError) {
        guard token.value == column else {
            throw error("Only expressions of the form \(form) are supported.", at: token)
        }
    }
}
