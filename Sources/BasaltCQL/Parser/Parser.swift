/// The recursive-descent parser: a cursor over the token array plus the helpers every grammar rule uses.
///
/// The grammar rules live in extensions, one file per statement family. Each rule consumes exactly the
/// tokens it recognizes and throws a Cassandra-style `CQLSyntaxError` at the first token it cannot use.
/// Keywords are matched by their lower-cased text (see `TokenKind`).
struct Parser {
    static let maximumNestingDepth = 64

    let source: [UInt8]
    let tokens: [Token]
    var position = 0
    /// How deeply terms, types, selectors and relations are nested right now, to bound the recursion.
    var depth = 0
    /// The bind markers of the statement being parsed, in order of appearance.
    var markers: [BindMarker] = []

    init(source: [UInt8]) throws(CQLSyntaxError) {
        self.source = source
        self.tokens = try Lexer(source: source).tokenize()
    }

    // MARK: - Cursor

    var current: Token { tokens[position] }

    var atEnd: Bool { current.kind == .endOfInput }

    /// The token `offset` places ahead; past the end this is the end-of-input token.
    func peek(_ offset: Int) -> Token {
        tokens[min(position + offset, tokens.count - 1)]
    }

    @discardableResult
    mutating func advance() -> Token {
        let token = tokens[position]
        if position < tokens.count - 1 { position += 1 }
        return token
    }

    func isKeyword(_ word: String, _ offset: Int = 0) -> Bool {
        let token = peek(offset)
        return token.kind == .identifier && token.value == word
    }

    func isSymbol(_ symbol: String, _ offset: Int = 0) -> Bool {
        let token = peek(offset)
        return token.kind == .symbol && token.value == symbol
    }

    mutating func acceptKeyword(_ word: String) -> Bool {
        guard isKeyword(word) else { return false }
        advance()
        return true
    }

    mutating func acceptSymbol(_ symbol: String) -> Bool {
        guard isSymbol(symbol) else { return false }
        advance()
        return true
    }

    /// Consumes keyword `word` (lower case) or fails the way ANTLR does: `expecting K_WORD`.
    mutating func expectKeyword(_ word: String) throws(CQLSyntaxError) {
        guard acceptKeyword(word) else { throw mismatched(expecting: "K_" + word.uppercased()) }
    }

    mutating func expectSymbol(_ symbol: String) throws(CQLSyntaxError) {
        guard acceptSymbol(symbol) else { throw mismatched(expecting: "'\(symbol)'") }
    }

    // MARK: - Names

    /// Whether the token at `offset` can be a name: an unquoted word that is not reserved, or a non-empty
    /// quoted name.
    func isName(_ offset: Int = 0) -> Bool {
        let token = peek(offset)
        switch token.kind {
        case .identifier: return !ReservedWords.contains(token.value)
        case .quotedName: return !token.value.isEmpty
        default: return false
        }
    }

    /// A keyspace, table, column, alias or property name. `role` names what is expected, for Cassandra's
    /// clearer error when a bind marker is used in its place ("Bind variables cannot be used for table names").
    mutating func name(role: String? = nil) throws(CQLSyntaxError) -> String {
        guard isName() else {
            if let role, isSymbol("?") {
                throw error("Bind variables cannot be used for \(role) names", at: current)
            }
            throw noViableAlternative()
        }
        return advance().value
    }

    /// `[ks.]name`
    mutating func qualifiedName(role: String) throws(CQLSyntaxError) -> QualifiedName {
        let first = try name(role: "keyspace")
        guard acceptSymbol(".") else { return QualifiedName(name: first) }
        return QualifiedName(keyspace: first, name: try name(role: role))
    }

    /// `name` or `(name, ...)`.
    mutating func parenthesizedNames() throws(CQLSyntaxError) -> [String] {
        try expectSymbol("(")
        var names = [try name()]
        while acceptSymbol(",") { names.append(try name()) }
        try expectSymbol(")")
        return names
    }

    // MARK: - Bind markers and integers

    var isBindMarker: Bool { isSymbol("?") || isSymbol(":") }

    /// `?` or `:name`, numbered in order of appearance.
    mutating func bindMarker(_ target: BindTarget) throws(CQLSyntaxError) -> BindMarker {
        var markerName: String?
        if !acceptSymbol("?") {
            try expectSymbol(":")
            markerName = try name()
        }
        let marker = BindMarker(index: markers.count, name: markerName, target: target)
        markers.append(marker)
        return marker
    }

    /// An integer literal or a bind marker (LIMIT, TTL, TIMESTAMP).
    mutating func integerValue(_ target: BindTarget) throws(CQLSyntaxError) -> IntegerValue {
        if isBindMarker { return .bindMarker(try bindMarker(target)) }
        return .literal(try integerLiteral())
    }

    mutating func integerLiteral() throws(CQLSyntaxError) -> Int64 {
        guard current.kind == .integer else { throw mismatched(expecting: "INTEGER") }
        guard let value = Int64(current.value) else {
            throw error("integer out of range at input '\(current.value)'", at: current)
        }
        advance()
        return value
    }

    // MARK: - Nesting

    /// Call on entering a recursive rule, paired with `defer { leaveNesting() }`, so that hostile input
    /// such as ten thousand `[` fails cleanly instead of overflowing the stack.
    mutating func enterNesting() throws(CQLSyntaxError) {
        depth += 1
        guard depth <= Self.maximumNestingDepth else {
            throw error(
                "nesting deeper than \(Self.maximumNestingDepth) levels at input '\(display(current))'", at: current)
        }
    }

    mutating func leaveNesting() {
        depth -= 1
    }

    // MARK: - Errors

    func error(_ detail: String, at token: Token) -> CQLSyntaxError {
        CQLSyntaxError(detail, token: display(token), offset: token.start, source: source)
    }

    /// ANTLR's message when one specific token was required.
    func mismatched(expecting expected: String) -> CQLSyntaxError {
        error("mismatched input '\(display(current))' expecting \(expected)", at: current)
    }

    /// ANTLR's message when none of several alternatives can start at the current token.
    func noViableAlternative() -> CQLSyntaxError {
        error("no viable alternative at input '\(display(current))'", at: current)
    }

    /// The token as written in the source, or `<EOF>`.
    func display(_ token: Token) -> String {
        token.kind == .endOfInput ? "<EOF>" : String(decoding: source[token.start..<token.end], as: UTF8.self)
    }
}
