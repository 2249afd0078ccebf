/// `BEGIN [UNLOGGED | COUNTER] BATCH [USING TIMESTAMP n] statement; ... APPLY BATCH`.
///
/// `bindMarkers` holds the markers of all child statements, numbered across the whole batch; each child
/// also lists its own markers with those batch-wide indexes.
public struct BatchStatement: Hashable, Sendable, CustomStringConvertible {
    public var kind: BatchKind
    public var timestamp: IntegerValue?
    public var statements: [ModificationStatement]
    public var bindMarkers: [BindMarker]

    public init(
        kind: BatchKind = .logged, timestamp: IntegerValue? = nil, statements: [ModificationStatement],
        bindMarkers: [BindMarker] = []
    ) {
        self.kind = kind
        self.timestamp = timestamp
        self.statements = statements
        self.bindMarkers = bindMarkers
    }

    public var description: String {
        let head = switch kind {
        case .logged: "BEGIN BATCH"
        case .unlogged: "BEGIN UNLOGGED BATCH"
        case .counter: "BEGIN COUNTER BATCH"
        }
        let using = timestamp.map { " USING TIMESTAMP \($0)" } ?? ""
        return head + using + statements.map { " \($0);" }.joined() + " APPLY BATCH"
    }
}

public enum BatchKind: Hashable, Sendable {
    case logged
    case unlogged
    case counter
}

/// A statement allowed inside a batch.
public enum ModificationStatement: Hashable, Sendable, CustomStringConvertible {
    case insert(InsertStatement)
    case update(UpdateStatement)
    case delete(DeleteStatement)

    public var table: QualifiedName {
        switch self {
        case .insert(let statement): statement.table
        case .update(let statement): statement.table
        case .delete(let statement): statement.table
        }
    }

    /// `USING TIMESTAMP` of the statement itself.
    public var timestamp: IntegerValue? {
        switch self {
        case .insert(let statement): statement.using.timestamp
        case .update(let statement): statement.using.timestamp
        case .delete(let statement): statement.timestamp
        }
    }

    public var description: String {
        switch self {
        case .insert(let statement): statement.description
        case .update(let statement): statement.description
        case .delete(let statement): statement.description
        }
    }
}
