extension Parser {
    /// `relation AND relation ...`
    mutating func whereClause() throws(CQLSyntaxError) -> [Relation] {
        var relations = [try relation()]
        while acceptKeyword("and") { relations.append(try relation()) }
        return relations
    }

    /// `IF EXISTS` or `IF condition AND ...` after UPDATE/DELETE (the `IF` is already consumed).
    mutating func ifClause() throws(CQLSyntaxError) -> (exists: Bool, conditions: [Relation]) {
        if acceptKeyword("exists") { return (true, []) }
        var conditions = [try singleColumnRelation(try name())]
        while acceptKeyword("and") { conditions.append(try singleColumnRelation(try name())) }
        return (false, conditions)
    }

    private mutating func relation() throws(CQLSyntaxError) -> Relation {
        try enterNesting()
        defer { leaveNesting() }
        if isKeyword("token") && isSymbol("(", 1) {
            advance()
            return try tokenRelation(columns: try parenthesizedNames())
        }
        if isSymbol("(") {
            // `(a, b) op ...` is multi-column; anything else in parentheses is a parenthesized relation.
            if isName(1) && (isSymbol(",", 2) || isSymbol(")", 2)) {
                return try multiColumnRelation(columns: try parenthesizedNames())
            }
            advance()
            let inner = try relation()
            try expectSymbol(")")
            return inner
        }
        return try singleColumnRelation(try name())
    }

    /// After `column`: `op term`, `IN (...)`, `IN ?`, `CONTAINS [KEY] term`, or `[key] op term`.
    private mutating func singleColumnRelation(_ column: String) throws(CQLSyntaxError) -> Relation {
        if acceptSymbol("[") {
            let key = try term(.key(column))
            try expectSymbol("]")
            let op = try relationOperator()
            return Relation(subject: .element(column: column, key: key), op: op, value: try term(.value(column)))
        }
        if acceptKeyword("in") {
            let candidates: Term = if isBindMarker {
                .bindMarker(try bindMarker(.inValues([column])))
            } else {
                try inValues { (parser: inout Parser) throws(CQLSyntaxError) in try parser.term(.column(column)) }
            }
            return Relation(subject: .column(column), op: .in, value: candidates)
        }
        if acceptKeyword("contains") {
            if acceptKeyword("key") {
                return Relation(subject: .column(column), op: .containsKey, value: try term(.key(column)))
            }
            return Relation(subject: .column(column), op: .contains, value: try term(.value(column)))
        }
        let op = try relationOperator()
        return Relation(subject: .column(column), op: op, value: try term(.column(column)))
    }

    /// After `token(a, b)`: `op token(?, ?)`, `op ?` or `op -123`.
    private mutating func tokenRelation(columns: [String]) throws(CQLSyntaxError) -> Relation {
        let op = try relationOperator()
        let value: Term
        if isKeyword("token") && isSymbol("(", 1) {
            value = .functionCall(try functionCall(argumentTargets: columns.map { .column($0) }))
        } else {
            value = try term(.token)
        }
        return Relation(subject: .token(columns), op: op, value: value)
    }

    /// After `(a, b)`: `op (1, 2)`, `op ?`, `IN ((1, 2), ...)`, `IN (?, ...)`, `IN ?` or `IN ()`.
    private mutating func multiColumnRelation(columns: [String]) throws(CQLSyntaxError) -> Relation {
        let subject = RelationSubject.columns(columns)
        let elementTargets = columns.map { BindTarget.column($0) }
        if acceptKeyword("in") {
            let candidates: Term = if isBindMarker {
                .bindMarker(try bindMarker(.inValues(columns)))
            } else {
                try inValues { (parser: inout Parser) throws(CQLSyntaxError) in
                    if parser.isBindMarker { return .bindMarker(try parser.bindMarker(.columns(columns))) }
                    return try parser.tupleLiteral(elementTargets)
                }
            }
            return Relation(subject: subject, op: .in, value: candidates)
        }
        let op = try relationOperator()
        if isBindMarker {
            return Relation(subject: subject, op: op, value: .bindMarker(try bindMarker(.columns(columns))))
        }
        guard isSymbol("(") else { throw mismatched(expecting: "'('") }
        return Relation(subject: subject, op: op, value: try tupleLiteral(elementTargets))
    }

    /// `(candidate, ...)`, possibly empty, as a list term.
    private mutating func inValues(
        _ candidate: (inout Parser) throws(CQLSyntaxError) -> Term
    ) throws(CQLSyntaxError) -> Term {
        try expectSymbol("(")
        var candidates: [Term] = []
        if !acceptSymbol(")") {
            repeat { candidates.append(try candidate(&self)) } while acceptSymbol(",")
            try expectSymbol(")")
        }
        return .list(candidates)
    }

    private mutating func relationOperator() throws(CQLSyntaxError) -> RelationOperator {
        guard current.kind == .symbol else { throw noViableAlternative() }
        let op: RelationOperator? = switch current.value {
        case "=": .equal
        case "!=": .notEqual
        case "<": .less
        case "<=": .lessOrEqual
        case ">": .greater
        case ">=": .greaterOrEqual
        default: nil
        }
        guard let op else { throw noViableAlternative() }
        advance()
        return op
    }
}
