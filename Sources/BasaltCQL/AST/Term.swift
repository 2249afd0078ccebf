/// A value written in a statement: a literal, a collection, a tuple, a bind marker or a function call.
///
/// Numbers, uuids and strings keep their text, as Cassandra's `Constants.Literal` does: only the type of
/// the column a term is bound to decides whether `1` is a tinyint, a bigint, a varint, a decimal, a double
/// or a timestamp, and whether `'2024-01-01'` is text or a date, so conversion belongs to the executor.
public enum Term: Hashable, Sendable, CustomStringConvertible {
    /// The unescaped content of `'...'` or `$$...$$`.
    case string(String)
    /// Decimal digits with an optional leading `-`, as written.
    case integer(String)
    /// A decimal literal with fraction and/or exponent as written, or `NaN`, `Infinity`, `-Infinity`.
    case float(String)
    case boolean(Bool)
    /// A duration literal (`1h30m`, `P2W`), as written; the value is checked against the column.
    case duration(String)
    /// An unquoted uuid literal, as written.
    case uuid(String)
    /// The bytes of a `0x...` literal.
    case blob([UInt8])
    case null
    case list([Term])
    case set([Term])
    case map([MapEntry])
    /// `{}`, which is an empty set or an empty map depending on the column it is assigned to.
    case emptyCollection
    case tuple([Term])
    case bindMarker(BindMarker)
    case functionCall(FunctionCall)

    public var description: String {
        switch self {
        case .string(let value): CQLText.string(value)
        case .integer(let text), .float(let text), .duration(let text), .uuid(let text): text
        case .boolean(let value): value ? "true" : "false"
        case .blob(let bytes): "0x" + bytes.map(hexByte).joined()
        case .null: "null"
        case .list(let items): "[" + CQLText.list(items) + "]"
        case .set(let items): "{" + CQLText.list(items) + "}"
        case .map(let entries): "{" + CQLText.list(entries) + "}"
        case .emptyCollection: "{}"
        case .tuple(let items): "(" + CQLText.list(items) + ")"
        case .bindMarker(let marker): marker.description
        case .functionCall(let call): call.description
        }
    }
}

/// One `key: value` pair of a map literal.
public struct MapEntry: Hashable, Sendable, CustomStringConvertible {
    public var key: Term
    public var value: Term

    public init(key: Term, value: Term) {
        self.key = key
        self.value = value
    }

    public var description: String { "\(key): \(value)" }
}

/// A call such as `now()`, `toTimestamp(now())` or `system.blobAsText(0x41)`.
/// Unquoted function names are lower-cased, as Cassandra does (`toTimestamp` is `totimestamp`).
public struct FunctionCall: Hashable, Sendable, CustomStringConvertible {
    public var name: QualifiedName
    public var arguments: [Term]

    public init(name: QualifiedName, arguments: [Term]) {
        self.name = name
        self.arguments = arguments
    }

    public var description: String { CQLText.functionName(name) + "(" + CQLText.list(arguments) + ")" }
}

private let hexDigits = Array("0123456789abcdef")

private func hexByte(_ byte: UInt8) -> String {
    String([hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0x0F)]])
}
