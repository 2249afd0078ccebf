/// A statement that is not valid CQL-lite, with the position and text of the token where parsing stopped.
///
/// `message` follows the wording of Cassandra's ANTLR-generated parser (`line 1:7 no viable alternative at
/// input 'FORM'`, `line 1:14 mismatched input 'x' expecting K_FROM`) so that cqlsh users see familiar text.
/// As in Cassandra, the number after the colon in `message` is the 0-based character offset in the line;
/// the `line` and `column` properties are both 1-based, for editors and tests.
public struct CQLSyntaxError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String
    public var line: Int
    public var column: Int
    /// The offending token as written, or `<EOF>` at the end of the input.
    public var token: String

    public init(message: String, line: Int, column: Int, token: String) {
        self.message = message
        self.line = line
        self.column = column
        self.token = token
    }

    public var description: String { message }
}
