extension Parser {
    /// A column type: a native type, `list<T>`, `set<T>`, `map<K, V>`, `tuple<T, ...>` or `frozen<T>`.
    mutating func type() throws(CQLSyntaxError) -> CQLType {
        try enterNesting()
        defer { leaveNesting() }
        let token = current
        guard token.kind == .identifier else { throw noViableAlternative() }
        if token.value == "varchar" {
            advance()
            return .native(.text)
        }
        if let native = NativeType(rawValue: token.value) {
            advance()
            return .native(native)
        }
        switch token.value {
        case "list", "set", "map", "tuple", "frozen":
            advance()
        default:
            throw noViableAlternative()
        }
        try expectSymbol("<")
        let result: CQLType
        switch token.value {
        case "list": result = .list(try type())
        case "set": result = .set(try type())
        case "map":
            let key = try type()
            try expectSymbol(",")
            result = .map(key: key, value: try type())
        case "tuple":
            var elements = [try type()]
            while acceptSymbol(",") { elements.append(try type()) }
            result = .tuple(elements)
        default:
            let inner = current
            let frozen = try type()
            if case .native = frozen {
                throw error("frozen<> is only allowed on collections, tuples, and user-defined types", at: inner)
            }
            result = .frozen(frozen)
        }
        try expectSymbol(">")
        return result
    }
}
