/// A hand-written scanner that turns CQL source (as UTF-8 bytes) into tokens.
///
/// It follows Cassandra's `Lexer.g`: `--`, `//` and `/* */` comments; `'...'` strings with `''` escapes and
/// `$$...$$` strings; `"..."` names with `""` escapes; integers with an optional leading `-`; floats with a
/// fraction and/or exponent; durations (`Lexer+Duration.swift`); unquoted uuids; `0x` blobs. All input is tokenized up front, which gives the
/// recursive-descent parser unbounded lookahead and keeps the scanner a single tight loop.
struct Lexer {
    let source: [UInt8]

    init(source: [UInt8]) {
        self.source = source
    }

    func tokenize() throws(CQLSyntaxError) -> [Token] {
        var tokens: [Token] = []
        var i = 0
        while true {
            i = try skipWhitespaceAndComments(from: i)
            guard i < source.count else {
                tokens.append(Token(kind: .endOfInput, value: "", start: source.count, end: source.count))
                return tokens
            }
            let token = try scanToken(at: i)
            tokens.append(token)
            i = token.end
        }
    }

    // MARK: - Scanning

    private func skipWhitespaceAndComments(from start: Int) throws(CQLSyntaxError) -> Int {
        var i = start
        while i < source.count {
            switch source[i] {
            case .space, .tab, .newline, .carriageReturn:
                i += 1
            case .minus where byte(i + 1) == .minus, .slash where byte(i + 1) == .slash:
                while i < source.count && source[i] != .newline && source[i] != .carriageReturn { i += 1 }
            case .slash where byte(i + 1) == .star:
                i += 2
                while !(byte(i) == .star && byte(i + 1) == .slash) {
                    guard i < source.count else { throw endOfInputError(expecting: "'*'") }
                    i += 1
                }
                i += 2
            default:
                return i
            }
        }
        return i
    }

    private func scanToken(at start: Int) throws(CQLSyntaxError) -> Token {
        let b = source[start]
        // A uuid can start with a digit or a letter, so it is tried before numbers and names.
        if b.isHexDigit, matchesUUID(at: start) {
            return Token(kind: .uuid, value: text(start, start + 36), start: start, end: start + 36)
        }
        if b == .zero, byte(start + 1) == .lowerX || byte(start + 1) == .upperX {
            var end = start + 2
            while byte(end).isHexDigit { end += 1 }
            return Token(kind: .hex, value: text(start + 2, end), start: start, end: end)
        }
        if b.isDigit || b == .minus || b == UInt8(ascii: "P"), let end = durationEnd(at: start) {
            return Token(kind: .duration, value: text(start, end), start: start, end: end)
        }
        if b.isDigit || (b == .minus && byte(start + 1).isDigit) {
            return scanNumber(at: start)
        }
        if b.isLetter {
            return scanIdentifier(at: start)
        }
        switch b {
        case .singleQuote:
            return try scanQuoted(at: start, quote: .singleQuote, kind: .string)
        case .doubleQuote:
            return try scanQuoted(at: start, quote: .doubleQuote, kind: .quotedName)
        case .dollar where byte(start + 1) == .dollar:
            return try scanDollarString(at: start)
        default:
            return try scanSymbol(at: start)
        }
    }

    private func scanNumber(at start: Int) -> Token {
        var end = start
        if source[end] == .minus { end += 1 }
        while byte(end).isDigit { end += 1 }
        var isFloat = false
        // `1..3` is a range of integers in a slice selector (`s[1..3]`), not the float `1.`.
        if byte(end) == .dot && byte(end + 1) != .dot {
            isFloat = true
            end += 1
            while byte(end).isDigit { end += 1 }
        }
        if byte(end) == .lowerE || byte(end) == .upperE {
            // The exponent belongs to the number only if digits follow; `1e` is `1` then the name `e`.
            var exponent = end + 1
            if byte(exponent) == .plus || byte(exponent) == .minus { exponent += 1 }
            if byte(exponent).isDigit {
                isFloat = true
                end = exponent
                while byte(end).isDigit { end += 1 }
            }
        }
        return Token(kind: isFloat ? .float : .integer, value: text(start, end), start: start, end: end)
    }

    private func scanIdentifier(at start: Int) -> Token {
        var end = start + 1
        var hasUpper = source[start].isUpper
        while end < source.count, source[end].isLetter || source[end].isDigit || source[end] == .underscore {
            hasUpper = hasUpper || source[end].isUpper
            end += 1
        }
        let value = hasUpper
            ? String(decoding: source[start..<end].lazy.map { $0.isUpper ? $0 | 0x20 : $0 }, as: UTF8.self)
            : text(start, end)
        return Token(kind: .identifier, value: value, start: start, end: end)
    }

    /// Scans `'...'` or `"..."`, where a doubled quote stands for one quote character.
    private func scanQuoted(at start: Int, quote: UInt8, kind: TokenKind) throws(CQLSyntaxError) -> Token {
        var content: [UInt8] = []
        var i = start + 1
        while true {
            guard i < source.count else {
                throw endOfInputError(expecting: quote == .singleQuote ? "'''" : "'\"'")
            }
            if source[i] == quote {
                guard byte(i + 1) == quote else { break }
                i += 1
            }
            content.append(source[i])
            i += 1
        }
        return Token(kind: kind, value: String(decoding: content, as: UTF8.self), start: start, end: i + 1)
    }

    /// Scans `$$...$$`, whose content is taken verbatim (no escapes), as in Cassandra.
    private func scanDollarString(at start: Int) throws(CQLSyntaxError) -> Token {
        var i = start + 2
        while !(byte(i) == .dollar && byte(i + 1) == .dollar) {
            guard i < source.count else { throw endOfInputError(expecting: "'$'") }
            i += 1
        }
        return Token(kind: .string, value: text(start + 2, i), start: start, end: i + 2)
    }

    private func scanSymbol(at start: Int) throws(CQLSyntaxError) -> Token {
        let b = source[start]
        if byte(start + 1) == .equals, b == .less || b == .greater || b == .bang || b == .plus || b == .minus {
            return Token(kind: .symbol, value: text(start, start + 2), start: start, end: start + 2)
        }
        switch b {
        case .openParen, .closeParen, .openBracket, .closeBracket, .openBrace, .closeBrace, .comma,
             .semicolon, .dot, .colon, .question, .star, .equals, .less, .greater, .plus, .minus, .slash, .percent:
            return Token(kind: .symbol, value: text(start, start + 1), start: start, end: start + 1)
        default:
            var end = start + 1
            while byte(end) & 0b1100_0000 == 0b1000_0000 { end += 1 }
            let character = text(start, end)
            throw CQLSyntaxError(
                "no viable alternative at character '\(character)'", token: character, offset: start, source: source)
        }
    }

    // MARK: - Helpers

    /// `8-4-4-4-12` hex digits, the shape of Cassandra's UUID token.
    private func matchesUUID(at start: Int) -> Bool {
        guard start + 36 <= source.count else { return false }
        for offset in 0..<36 {
            let c = source[start + offset]
            switch offset {
            case 8, 13, 18, 23:
                if c != .minus { return false }
            default:
                if !c.isHexDigit { return false }
            }
        }
        return true
    }

    /// The byte at `index`, or 0 past the end, so lookahead never needs a bounds check.
    func byte(_ index: Int) -> UInt8 {
        index < source.count ? source[index] : 0
    }

    func text(_ start: Int, _ end: Int) -> String {
        String(decoding: source[start..<end], as: UTF8.self)
    }

    private func endOfInputError(expecting expected: String) -> CQLSyntaxError {
        CQLSyntaxError(
            "mismatched character '<EOF>' expecting \(expected)", token: "<EOF>", offset: source.count, source: source)
    }
}

extension UInt8 {
    static let tab = UInt8(ascii: "\t")
    static let newline = UInt8(ascii: "\n")
    static let carriageReturn = UInt8(ascii: "\r")
    static let space = UInt8(ascii: " ")
    static let bang = UInt8(ascii: "!")
    static let doubleQuote = UInt8(ascii: "\"")
    static let dollar = UInt8(ascii: "$")
    static let percent = UInt8(ascii: "%")
    static let singleQuote = UInt8(ascii: "'")
    static let openParen = UInt8(ascii: "(")
    static let closeParen = UInt8(ascii: ")")
    static let star = UInt8(ascii: "*")
    static let plus = UInt8(ascii: "+")
    static let comma = UInt8(ascii: ",")
    static let minus = UInt8(ascii: "-")
    static let dot = UInt8(ascii: ".")
    static let slash = UInt8(ascii: "/")
    static let zero = UInt8(ascii: "0")
    static let colon = UInt8(ascii: ":")
    static let semicolon = UInt8(ascii: ";")
    static let less = UInt8(ascii: "<")
    static let equals = UInt8(ascii: "=")
    static let greater = UInt8(ascii: ">")
    static let question = UInt8(ascii: "?")
    static let upperE = UInt8(ascii: "E")
    static let upperX = UInt8(ascii: "X")
    static let openBracket = UInt8(ascii: "[")
    static let closeBracket = UInt8(ascii: "]")
    static let underscore = UInt8(ascii: "_")
    static let lowerE = UInt8(ascii: "e")
    static let lowerX = UInt8(ascii: "x")
    static let openBrace = UInt8(ascii: "{")
    static let closeBrace = UInt8(ascii: "}")

    var isDigit: Bool { self >= UInt8(ascii: "0") && self <= UInt8(ascii: "9") }
    var isUpper: Bool { self >= UInt8(ascii: "A") && self <= UInt8(ascii: "Z") }
    var isLetter: Bool { isUpper || (self >= UInt8(ascii: "a") && self <= UInt8(ascii: "z")) }
    var isHexDigit: Bool {
        isDigit || (self | 0x20 >= UInt8(ascii: "a") && self | 0x20 <= UInt8(ascii: "f"))
    }
}
