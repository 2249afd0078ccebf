extension Parser {
    /// A value: a constant, `null`, a collection, a tuple, a bind marker or a function call.
    /// `target` is what a bind marker found right here would stand for.
    mutating func term(_ target: BindTarget) throws(CQLSyntaxError) -> Term {
        try enterNesting()
        defer { leaveNesting() }
        if let constant = try constantIfPresent() { return constant }
        if acceptKeyword("null") { return .null }
        if isBindMarker { return .bindMarker(try bindMarker(target)) }
        if isFunctionCallStart { return .functionCall(try functionCall()) }
        if isSymbol("[") { return try listLiteral() }
        if isSymbol("{") { return try setOrMapLiteral() }
        if isSymbol("(") { return try tupleLiteral([]) }
        throw noViableAlternative()
    }

    /// `(t1, t2, ...)`; `targets[i]` is the bind target of a marker in position i (`.unknown` past its end).
    mutating func tupleLiteral(_ targets: [BindTarget]) throws(CQLSyntaxError) -> Term {
        try expectSymbol("(")
        var items: [Term] = []
        repeat {
            items.append(try term(items.count < targets.count ? targets[items.count] : .unknown))
        } while acceptSymbol(",")
        try expectSymbol(")")
        return .tuple(items)
    }

    /// `[ks.]f(` ahead: a function name is a name, or the reserved `token`.
    var isFunctionCallStart: Bool {
        func isFunctionName(_ offset: Int) -> Bool { isName(offset) || isKeyword("token", offset) }
        if isFunctionName(0) && isSymbol("(", 1) { return true }
        return isName(0) && isSymbol(".", 1) && isFunctionName(2) && isSymbol("(", 3)
    }

    /// `[ks.]name`, for a function; unquoted names are lower-cased like all names.
    mutating func functionName() throws(CQLSyntaxError) -> QualifiedName {
        var keyspace: String?
        if isSymbol(".", 1) {
            keyspace = try name()
            advance()
        }
        if acceptKeyword("token") { return QualifiedName(keyspace: keyspace, name: "token") }
        return QualifiedName(keyspace: keyspace, name: try name())
    }

    /// `f(args)`; `argumentTargets` as in `tupleLiteral`.
    mutating func functionCall(argumentTargets: [BindTarget] = []) throws(CQLSyntaxError) -> FunctionCall {
        let name = try functionName()
        try expectSymbol("(")
        var arguments: [Term] = []
        if !acceptSymbol(")") {
            repeat {
                let target = arguments.count < argumentTargets.count ? argumentTargets[arguments.count] : .unknown
                arguments.append(try term(target))
            } while acceptSymbol(",")
            try expectSymbol(")")
        }
        // Only the whole call says which argument of which function a marker is.
        for (position, argument) in arguments.enumerated() {
            guard case .bindMarker(var marker) = argument, marker.target == .unknown else { continue }
            marker.target = .functionArgument(function: name, position: position, count: arguments.count)
            markers[marker.index] = marker
            arguments[position] = .bindMarker(marker)
        }
        return FunctionCall(name: name, arguments: arguments)
    }

    /// A constant as in Cassandra's `constant` rule, if one starts here: string, integer, float (including
    /// `NaN`, `Infinity`, `-Infinity`), boolean, duration, uuid or blob.
    mutating func constantIfPresent() throws(CQLSyntaxError) -> Term? {
        let token = current
        switch token.kind {
        case .string: advance(); return .string(token.value)
        case .integer: advance(); return .integer(token.value)
        case .float: advance(); return .float(token.value)
        case .duration: advance(); return .duration(token.value)
        case .uuid: advance(); return .uuid(token.value)
        case .hex: advance(); return .blob(try hexBytes(token))
        case .identifier:
            switch token.value {
            case "true": advance(); return .boolean(true)
            case "false": advance(); return .boolean(false)
            case "nan": advance(); return .float("NaN")
            case "infinity": advance(); return .float("Infinity")
            default: return nil
            }
        case .symbol where token.value == "-" && (isKeyword("nan", 1) || isKeyword("infinity", 1)):
            advance()
            return .float(advance().value == "nan" ? "NaN" : "-Infinity")
        default:
            return nil
        }
    }

    /// A property value in a WITH clause: a constant, or a map whose keys and values are constants.
    mutating func propertyValue() throws(CQLSyntaxError) -> Term {
        guard acceptSymbol("{") else { return try constant() }
        var entries: [MapEntry] = []
        if !acceptSymbol("}") {
            repeat {
                let key = try constant()
                try expectSymbol(":")
                entries.append(MapEntry(key: key, value: try constant()))
            } while acceptSymbol(",")
            try expectSymbol("}")
        }
        return .map(entries)
    }

    private mutating func constant() throws(CQLSyntaxError) -> Term {
        guard let constant = try constantIfPresent() else { throw noViableAlternative() }
        return constant
    }

    private mutating func listLiteral() throws(CQLSyntaxError) -> Term {
        try expectSymbol("[")
        var items: [Term] = []
        if !acceptSymbol("]") {
            repeat { items.append(try term(.unknown)) } while acceptSymbol(",")
            try expectSymbol("]")
        }
        return .list(items)
    }

    /// `{}`, `{a, b}` or `{k: v, ...}`; the first element decides between a set and a map.
    private mutating func setOrMapLiteral() throws(CQLSyntaxError) -> Term {
        try expectSymbol("{")
        if acceptSymbol("}") { return .emptyCollection }
        let first = try term(.unknown)
        if acceptSymbol(":") {
            var entries = [MapEntry(key: first, value: try term(.unknown))]
            while acceptSymbol(",") {
                let key = try term(.unknown)
                try expectSymbol(":")
                entries.append(MapEntry(key: key, value: try term(.unknown)))
            }
            try expectSymbol("}")
            return .map(entries)
        }
        var items = [first]
        while acceptSymbol(",") { items.append(try term(.unknown)) }
        try expectSymbol("}")
        return .set(items)
    }

    private func hexBytes(_ token: Token) throws(CQLSyntaxError) -> [UInt8] {
        let digits = Array(token.value.utf8)
        guard digits.count % 2 == 0 else {
            throw error("hex string of odd length at input '\(display(token))'", at: token)
        }
        func nibble(_ digit: UInt8) -> UInt8 { digit.isDigit ? digit - .zero : (digit | 0x20) - UInt8(ascii: "a") + 10 }
        return stride(from: 0, to: digits.count, by: 2).map { nibble(digits[$0]) << 4 | nibble(digits[$0 + 1]) }
    }
}
