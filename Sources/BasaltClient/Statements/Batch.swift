import BasaltCQLProtocol

/// Several modifications sent as one BATCH: simple statements (with positional values) and bound
/// prepared statements, mixed freely.
///
///     var batch = Batch(.unlogged)
///     batch.add(try insert.bind(1, "a"))
///     batch.add(Statement("DELETE FROM shop.carts WHERE id = ?", cartID))
///     try await client.execute(batch)
public struct Batch: Sendable {
    public enum Kind: Sendable {
        /// Atomic across partitions (through the batch log).
        case logged
        /// No atomicity guarantee; cheapest for writes to one partition.
        case unlogged
        case counter

        var wire: CQLBatch.Kind {
            switch self {
            case .logged: .logged
            case .unlogged: .unlogged
            case .counter: .counter
            }
        }
    }

    public var kind: Kind
    /// The children, in order; each may be simple or bound.
    public var statements: [Statement]
    /// nil uses the client's `defaultConsistency`.
    public var consistency: CQLConsistency?
    /// SERIAL or LOCAL_SERIAL, for conditional statements.
    public var serialConsistency: CQLConsistency?
    /// Microseconds; nil lets the client assign one.
    public var timestamp: Int64?
    /// nil uses the client's `defaultIdempotence`. A counter batch never is.
    public var isIdempotent: Bool?

    public init(_ kind: Kind = .logged, statements: [Statement] = []) {
        self.kind = kind
        self.statements = statements
    }

    public mutating func add(_ statement: Statement) {
        statements.append(statement)
    }

    /// The wire statements; named values have no place in a BATCH (the spec says they "do not
    /// work"), so they are refused here rather than by the node.
    func wireStatements() throws(BasaltClientError) -> [CQLBatch.Statement] {
        var wire: [CQLBatch.Statement] = []
        wire.reserveCapacity(statements.count)
        for statement in statements {
            switch statement.body {
            case .bound(let prepared, let values):
                wire.append(CQLBatch.Statement(target: .prepared(id: prepared.id), values: values))
            case .simple(let query, .named):
                throw .invalidValue(message: "named values cannot be used in a batch (\(query))")
            case .simple(let query, _):
                guard case .positional(let values)? = try statement.wireValues() else {
                    wire.append(CQLBatch.Statement(target: .query(query)))
                    continue
                }
                wire.append(CQLBatch.Statement(target: .query(query), values: values))
            }
        }
        return wire
    }
}
