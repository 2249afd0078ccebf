extension Parser {
    /// `SELECT [DISTINCT] (* | selector, ...) FROM [ks.]t [WHERE ...] [GROUP BY c, ...] [ORDER BY c [ASC|DESC], ...]
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
        if acceptKeyword("group") {
            try expectKeyword("by")
            repeat { statement.groupBy.append(try name()) } while acceptSymbol(",")
        }
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

    /// `a + b - c`: the lower precedence level, evaluated left to right.
    private mutating func selectorExpression() throws(CQLSyntaxError) -> SelectorExpression {
        try enterNesting()
        defer { leaveNesting() }
        var left = try multiplicative(startingWith: nil)
        while true {
            if acceptSymbol("+") {
                left = .operation(.add, left, try multiplicative(startingWith: nil))
            } else if acceptSymbol("-") {
                left = .operation(.subtract, left, try multiplicative(startingWith: nil))
            } else if let unsigned = negativeNumberAsSubtraction() {
                // `a -1` lexes as `a` and the integer `-1`, as in Cassandra; read it as `a - 1`.
                left = .operation(.subtract, left, try multiplicative(startingWith: unsigned))
            } else {
                return left
            }
        }
    }

    /// A number token written with its sign right after an operand, as the literal without the sign.
    private mutating func negativeNumberAsSubtraction() -> SelectorExpression? {
        guard current.kind == .integer || current.kind == .float, current.value.hasPrefix("-"),
              current.value.dropFirst().first?.isNumber == true else { return nil }
        let text = String(advance().value.dropFirst())
        return .literal(text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) ? .float(text) : .integer(text))
    }

    /// `a * b / c % d`: the higher precedence level; `first` is an operand already read.
    private mutating func multiplicative(startingWith first: SelectorExpression?) throws(CQLSyntaxError) -> SelectorExpression {
        var left: SelectorExpression
        if let first { left = first } else { left = try unary() }
        while true {
            let op: ArithmeticOperator
            if acceptSymbol("*") { op = .multiply } else if acceptSymbol("/") { op = .divide } else if acceptSymbol("%") {
                op = .modulo
            } else {
                return left
            }
            left = .operation(op, left, try unary())
        }
    }

    private mutating func unary() throws(CQLSyntaxError) -> SelectorExpression {
        try enterNesting()
        defer { leaveNesting() }
        if acceptSymbol("-") { return .negation(try unary()) }
        var expression = try primary()
        while acceptSymbol("[") { expression = try subSelection(of: expression) }
        return expression
    }

    /// After `[`: `key]`, or a slice `from..to]` with either end left open.
    private mutating func subSelection(of collection: SelectorExpression) throws(CQLSyntaxError) -> SelectorExpression {
        let target: BindTarget = if case .column(let name) = collection { .key(name) } else { .unknown }
        var from: Term?
        if !isRange { from = try term(target) }
        if isRange {
            position += 2
            // `[..]` has neither end, which Cassandra's grammar does not allow.
            if from == nil && isSymbol("]") { throw noViableAlternative() }
            let to = isSymbol("]") ? nil : try term(target)
            try expectSymbol("]")
            return .slice(collection, from: from, to: to)
        }
        try expectSymbol("]")
        guard let from else { throw noViableAlternative() }
        return .element(collection, key: from)
    }

    /// `..` is two `.` tokens written together.
    private var isRange: Bool { isSymbol(".") && isSymbol(".", 1) && peek(1).start == current.end }

    private mutating func primary() throws(CQLSyntaxError) -> SelectorExpression {
        if acceptSymbol("(") {
            let inner = try selectorExpression()
            try expectSymbol(")")
            return inner
        }
        if isFunctionCallStart {
            // COUNT(*), COUNT(1), WRITETIME(c), TTL(c) and CAST(x AS t) are special forms only when spelled unquoted.
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
            if special && isKeyword("cast") {
                advance()
                try expectSymbol("(")
                let inner = try selectorExpression()
                try expectKeyword("as")
                let typeToken = current
                guard case .native(let type) = try self.type() else {
                    throw error("no viable alternative at input '\(display(typeToken))'", at: typeToken)
                }
                try expectSymbol(")")
                return .cast(inner, type)
            }
            let function = try functionName()
            try expectSymbol("(")
            var arguments: [SelectorExpression] = []
            if !acceptSymbol(")") {
                repeat { arguments.append(try selectorExpression()) } while acceptSymbol(",")
                try expectSymbol(")")
            }
            // A marker passed straight to the function takes that parameter's type.
            for (position, argument) in arguments.enumerated() {
                guard case .literal(.bindMarker(var marker)) = argument else { continue }
                marker.target = .functionArgument(function: function, position: position, count: arguments.count)
                markers[marker.index] = marker
                arguments[position] = .literal(.bindMarker(marker))
            }
            return .function(name: function, arguments: arguments)
        }
        if isBindMarker { return .literal(.bindMarker(try bindMarker(.unknown))) }
        if isName() { return .column(advance().value) }
        if let constant = try constantIfPresent() { return .literal(constant) }
        if acceptKeyword("null") { return .literal(.null) }
        throw noViableAlternative()
    }
}
