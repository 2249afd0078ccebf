/// `SELECT [DISTINCT] selection FROM [ks.]t [WHERE ...] [GROUP BY ...] [ORDER BY ...] [PER PARTITION LIMIT n]
/// [LIMIT n] [ALLOW FILTERING]`.
public struct SelectStatement: Hashable, Sendable, CustomStringConvertible {
    public var table: QualifiedName
    public var isDistinct: Bool
    public var selection: Selection
    public var whereClause: [Relation]
    public var groupBy: [String]
    public var orderBy: [Ordering]
    public var perPartitionLimit: IntegerValue?
    public var limit: IntegerValue?
    public var allowFiltering: Bool
    public var bindMarkers: [BindMarker]

    public init(
        table: QualifiedName, isDistinct: Bool = false, selection: Selection, whereClause: [Relation] = [],
        groupBy: [String] = [], orderBy: [Ordering] = [], perPartitionLimit: IntegerValue? = nil, limit: IntegerValue? = nil,
        allowFiltering: Bool = false, bindMarkers: [BindMarker] = []
    ) {
        self.table = table
        self.isDistinct = isDistinct
        self.selection = selection
        self.whereClause = whereClause
        self.groupBy = groupBy
        self.orderBy = orderBy
        self.perPartitionLimit = perPartitionLimit
        self.limit = limit
        self.allowFiltering = allowFiltering
        self.bindMarkers = bindMarkers
    }

    public var description: String {
        var text = "SELECT " + (isDistinct ? "DISTINCT " : "") + selection.description + " FROM \(table)"
        if !whereClause.isEmpty { text += " WHERE " + whereClause.map(\.description).joined(separator: " AND ") }
        if !groupBy.isEmpty { text += " GROUP BY " + CQLText.names(groupBy) }
        if !orderBy.isEmpty { text += " ORDER BY " + CQLText.list(orderBy) }
        if let perPartitionLimit { text += " PER PARTITION LIMIT \(perPartitionLimit)" }
        if let limit { text += " LIMIT \(limit)" }
        if allowFiltering { text += " ALLOW FILTERING" }
        return text
    }
}

public enum Selection: Hashable, Sendable, CustomStringConvertible {
    /// `*`
    case all
    case selectors([Selector])

    public var description: String {
        switch self {
        case .all: "*"
        case .selectors(let selectors): CQLText.list(selectors)
        }
    }
}

/// One item of a select list with its optional `AS` alias.
public struct Selector: Hashable, Sendable, CustomStringConvertible {
    public var expression: SelectorExpression
    public var alias: String?

    public init(_ expression: SelectorExpression, alias: String? = nil) {
        self.expression = expression
        self.alias = alias
    }

    public var description: String {
        expression.description + (alias.map { " AS " + CQLText.name($0) } ?? "")
    }
}

public indirect enum SelectorExpression: Hashable, Sendable, CustomStringConvertible {
    case column(String)
    /// `COUNT(*)`, and `COUNT(1)`, which counts the same rows.
    case countRows
    case writetime(String)
    case ttl(String)
    /// Any other function or aggregate: `count(c)`, `max(c)`, `token(a, b)`, `totimestamp(now())`, ...
    case function(name: QualifiedName, arguments: [SelectorExpression])
    /// A constant used as a function argument, e.g. the `0x41` of `blobastext(0x41)`.
    case literal(Term)
    /// `CAST(selector AS type)`: Cassandra casts only to native types.
    case cast(SelectorExpression, NativeType)
    /// `a + b`, `a * (b - 1)`, ...
    case operation(ArithmeticOperator, SelectorExpression, SelectorExpression)
    /// `-a`
    case negation(SelectorExpression)
    /// `m['k']`, `s[x]`: one element of a map or set.
    case element(SelectorExpression, key: Term)
    /// `m['a'..'c']`, `s[..x]`: the elements between two keys, both inclusive, either end open.
    case slice(SelectorExpression, from: Term?, to: Term?)

    public var description: String {
        switch self {
        case .column(let name): CQLText.name(name)
        case .countRows: "count(*)"
        case .writetime(let column): "writetime(\(CQLText.name(column)))"
        case .ttl(let column): "ttl(\(CQLText.name(column)))"
        case .function(let name, let arguments):
            (readsAsSpecialForm ? "\"\(name.name)\"" : CQLText.functionName(name)) + "(" + CQLText.list(arguments) + ")"
        case .literal(let term): term.description
        case .cast(let inner, let type): "cast(\(inner) as \(type.rawValue))"
        case .operation(let op, let left, let right):
            // Parentheses where precedence or left-to-right evaluation needs them, so the text parses back.
            Self.operand(left, under: op, isRight: false) + " \(op.rawValue) " + Self.operand(right, under: op, isRight: true)
        case .negation(let inner):
            // A literal or an operation is parenthesized: `-1` would read back as the literal -1.
            switch inner {
            case .column, .function, .countRows, .writetime, .ttl, .cast: "-\(inner)"
            default: "-(\(inner))"
            }
        case .element(let collection, let key): "\(collection)[\(key)]"
        case .slice(let collection, let from, let to):
            "\(collection)[\(from.map(\.description) ?? "")..\(to.map(\.description) ?? "")]"
        }
    }

    private static func operand(_ expression: SelectorExpression, under op: ArithmeticOperator, isRight: Bool) -> String {
        guard case .operation(let inner, _, _) = expression else { return expression.description }
        let needsParentheses = inner.precedence < op.precedence || (isRight && inner.precedence == op.precedence)
        return needsParentheses ? "(\(expression))" : expression.description
    }

    /// Unquoted `writetime(...)` and `ttl(...)` are always the special forms, and `count(1)` is `countRows`,
    /// so a plain function call spelled that way came from a quoted name and must be rendered quoted.
    private var readsAsSpecialForm: Bool {
        guard case .function(let name, let arguments) = self, name.keyspace == nil else { return false }
        switch name.name {
        case "writetime", "ttl", "cast": return true
        case "count": return arguments == [.literal(.integer("1"))]
        default: return false
        }
    }
}

/// The binary operators of selectors, in Cassandra's two precedence levels.
public enum ArithmeticOperator: String, Hashable, Sendable, CaseIterable {
    case add = "+", subtract = "-", multiply = "*", divide = "/", modulo = "%"

    public var precedence: Int {
        switch self {
        case .add, .subtract: 1
        case .multiply, .divide, .modulo: 2
        }
    }
}

/// A column and its direction, in `ORDER BY` and in `WITH CLUSTERING ORDER BY`.
public struct Ordering: Hashable, Sendable, CustomStringConvertible {
    public var column: String
    public var descending: Bool

    public init(column: String, descending: Bool = false) {
        self.column = column
        self.descending = descending
    }

    public var description: String { CQLText.name(column) + (descending ? " DESC" : " ASC") }
}
