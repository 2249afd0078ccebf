extension Parser {
    /// `BEGIN [UNLOGGED | COUNTER | LOGGED] BATCH [USING TIMESTAMP n] (statement [;])* APPLY BATCH`.
    ///
    /// Cassandra has no `LOGGED` keyword (logged is the default); accepting it is a harmless leniency.
    mutating func batchStatement() throws(CQLSyntaxError) -> BatchStatement {
        try expectKeyword("begin")
        var kind = BatchKind.logged
        if acceptKeyword("unlogged") {
            kind = .unlogged
        } else if acceptKeyword("counter") {
            kind = .counter
        } else {
            _ = acceptKeyword("logged")
        }
        try expectKeyword("batch")
        var timestamp: IntegerValue?
        if acceptKeyword("using") {
            let using = current
            let clause = try usingClause()
            if clause.ttl != nil { throw error("Global TTL on the BATCH statement is not supported.", at: using) }
            timestamp = clause.timestamp
        }
        var statements: [ModificationStatement] = []
        while !isKeyword("apply") {
            switch current.kind == .identifier ? current.value : "" {
            case "insert": statements.append(.insert(try insertStatement()))
            case "update": statements.append(.update(try updateStatement()))
            case "delete": statements.append(.delete(try deleteStatement()))
            default: throw noViableAlternative()
            }
            _ = acceptSymbol(";")
        }
        try expectKeyword("apply")
        try expectKeyword("batch")
        return BatchStatement(kind: kind, timestamp: timestamp, statements: statements, bindMarkers: markers)
    }
}
