/// Maps byte offsets in the UTF-8 source to 1-based line and column numbers.
///
/// Positions are only needed when reporting an error, so tokens carry byte offsets and the (linear)
/// line/column computation runs once per failed parse instead of once per token.
/// Columns count Unicode scalars, so a multi-byte character before the error counts as one column.
struct SourcePosition {
    var line: Int
    var column: Int

    init(offset: Int, in source: [UInt8]) {
        var line = 1
        var lineStart = 0
        let end = min(offset, source.count)
        for i in 0..<end where source[i] == UInt8(ascii: "\n") {
            line += 1
            lineStart = i + 1
        }
        var column = 1
        for i in lineStart..<end where source[i] & 0b1100_0000 != 0b1000_0000 {
            column += 1
        }
        self.line = line
        self.column = column
    }
}

extension CQLSyntaxError {
    /// An error at byte `offset` of `source`: `detail` is the message without the position prefix.
    init(_ detail: String, token: String, offset: Int, source: [UInt8]) {
        let position = SourcePosition(offset: offset, in: source)
        self.init(
            message: "line \(position.line):\(position.column - 1) \(detail)",
            line: position.line,
            column: position.column,
            token: token
        )
    }
}
