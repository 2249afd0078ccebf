/// One restriction of a WHERE clause (`k = 1`, `token(k) > ?`, `(c1, c2) >= (1, 2)`), or one condition of
/// an `IF` clause in UPDATE/DELETE, which uses the same shapes minus token and multi-column subjects.
///
/// For `IN`, `value` is a `.list` of the candidates (`IN (1, 2)`), or a bind marker for a whole list
/// (`IN ?`). Multi-column `IN` candidates are tuples or markers.
public struct Relation: Hashable, Sendable, CustomStringConvertible {
    public var subject: RelationSubject
    public var op: RelationOperator
    public var value: Term

    public init(subject: RelationSubject, op: RelationOperator, value: Term) {
        self.subject = subject
        self.op = op
        self.value = value
    }

    public var description: String {
        let rendered: String = switch (op, value) {
        case (.in, .list(let candidates)): "(" + CQLText.list(candidates) + ")"
        default: value.description
        }
        return "\(subject) \(op.rawValue) \(rendered)"
    }
}

/// The left-hand side of a relation.
public enum RelationSubject: Hashable, Sendable, CustomStringConvertible {
    case column(String)
    /// `(c1, c2, ...)`: a multi-column restriction on clustering columns.
    case columns([String])
    /// `token(k1, k2, ...)`: a restriction on the partition token.
    case token([String])
    /// `m[key]`: one element of a map (for indexed entries, and for IF conditions).
    case element(column: String, key: Term)

    public var description: String {
        switch self {
        case .column(let name): CQLText.name(name)
        case .columns(let names): "(" + CQLText.names(names) + ")"
        case .token(let names): "token(" + CQLText.names(names) + ")"
        case .element(let column, let key): CQLText.name(column) + "[\(key)]"
        }
    }
}

/// Relation operators. `!=` is part of Cassandra's grammar; Cassandra then rejects it outside of IF
/// conditions as an invalid request (not a syntax error), so the executor is expected to do the same.
public enum RelationOperator: String, Hashable, Sendable {
    case equal = "="
    case notEqual = "!="
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="
    case `in` = "IN"
    case contains = "CONTAINS"
    case containsKey = "CONTAINS KEY"
}
