/// A statement's text with its literals replaced by `?`, so that the inlined forms of a statement
/// and its prepared form count as one in the statement statistics: `SELECT * FROM t WHERE k = 5`
/// and `select * from t where k=?` both become `select * from t where k = ?`.
///
/// Tokens are rejoined by single spaces (none inside `a.b`, after `(`, before `)`, `,` and `;`, or
/// between a function's name and its `(`);
/// unquoted names and keywords are lower-cased (CQL folds their case), quoted names keep their
/// quotes. Named markers (`:id`) stay as they are. Text the lexer refuses is returned trimmed: such
/// a statement fails anyway, and its row should still show what was sent.
public enum StatementNormalizer {
    public static func normalize(_ text: String) -> String {
        guard let scanned = try? Lexer(source: Array(text.utf8)).tokenize() else {
            return text.trimmingWhitespace()
        }
        var out = ""
        let tokens = scanned.filter { $0.kind != .endOfInput }
        for (index, token) in tokens.enumerated() {
            if index > 0, spaced(at: index, tokens) { out += " " }
            out += piece(token)
        }
        return out
    }

    private static func piece(_ token: Token) -> String {
        switch token.kind {
        case .string, .integer, .float, .duration, .uuid, .hex: "?"
        case .identifier where literalWords.contains(token.value): "?"
        case .identifier: token.value
        case .quotedName: "\"" + token.value.replacingAll("\"", with: "\"\"") + "\""
        case .symbol, .endOfInput: token.value
        }
    }

    /// Whether a space goes between `tokens[index - 1]` and `tokens[index]`.
    private static func spaced(at index: Int, _ tokens: [Token]) -> Bool {
        let previous = tokens[index - 1], token = tokens[index]
        if isSymbol(previous, "(") || isSymbol(previous, ".") { return false }
        if token.kind == .symbol, [")", ",", ".", ";"].contains(token.value) { return false }
        // A named marker (`= :id`) keeps its colon against its name; a map entry's (`'a': 1`) is
        // written `?: ?`.
        if isSymbol(token, ":") { return index >= 2 && !isValue(previous) }
        if isSymbol(previous, ":") { return index >= 2 && isValue(tokens[index - 2]) }
        // A call (`now()`, `token(k)`) keeps its name against its parenthesis; a table's column
        // list (`INSERT INTO t (`, `CREATE TABLE t (`) and a keyword's list (`IN (`) do not.
        if isSymbol(token, "("), previous.kind == .identifier || previous.kind == .quotedName {
            if previous.kind == .identifier && keywordsBeforeList.contains(previous.value) { return true }
            let beforeName = index >= 2 ? tokens[index - 2] : nil
            guard let beforeName else { return false }
            return isSymbol(beforeName, ".") || (beforeName.kind == .identifier && keywordsBeforeName.contains(beforeName.value))
        }
        return true
    }

    private static func isSymbol(_ token: Token, _ symbol: String) -> Bool { token.kind == .symbol && token.value == symbol }

    /// A literal, a name or a closing bracket: what may stand before a map entry's colon.
    private static func isValue(_ token: Token) -> Bool {
        token.kind != .symbol || [")", "]", "}", "?"].contains(token.value)
    }

    /// Words after which a name is a table or type, so a `(` after that name opens its columns.
    private static let keywordsBeforeName: Set<String> = ["into", "table", "type", "exists", "from", "update"]

    private static let keywordsBeforeList: Set<String> = [
        "in", "values", "and", "or", "where", "key", "by", "using", "if", "exists", "on", "table", "set", "primary",
        "contains", "select", "not",
    ]

    /// Words that are values, not names: they are literals as much as `5` is.
    private static let literalWords: Set<String> = ["true", "false", "null", "nan", "infinity"]

}

private extension String {
    func trimmingWhitespace() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }

    func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for character in self { if character == target { out += replacement } else { out.append(character) } }
        return out
    }
}
