/// The lexical categories of CQL, following the token types of Cassandra's `Lexer.g`.
///
/// Keywords are not a separate kind: CQL has many *unreserved* keywords (`key`, `ttl`, `type`, ...) that
/// are also valid names, so the parser decides from context whether an `.identifier` is a keyword.
enum TokenKind: Equatable, Sendable {
    /// An unquoted name or keyword; the value is lower-cased because both are case-insensitive.
    case identifier
    /// A double-quoted name; the value is unescaped and keeps its case.
    case quotedName
    /// A `'...'` or `$$...$$` literal; the value is unescaped.
    case string
    /// Optional `-` and decimal digits, as written (the target type decides the range).
    case integer
    /// A decimal literal with a fraction and/or exponent, as written.
    case float
    /// A duration such as `1h30m`, `-2d` or `P1DT2H`, as written.
    case duration
    /// An unquoted `8-4-4-4-12` hex uuid, as written.
    case uuid
    /// A `0x...` blob literal; the value holds the hex digits only.
    case hex
    /// Punctuation and operators; the value is the symbol itself (`(`, `<=`, `?`, ...).
    case symbol
    case endOfInput
}

struct Token: Sendable {
    var kind: TokenKind
    var value: String
    /// Byte offsets of the token in the UTF-8 source, used for error positions and raw text.
    var start: Int
    var end: Int
}
