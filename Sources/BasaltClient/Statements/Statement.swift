import BasaltCore
import BasaltCQLProtocol

/// A statement to execute, with its per-statement options: CQL text with values (a "simple"
/// statement), or a prepared statement with its bound values (`PreparedStatement.bind`).
///
///     var statement = Statement("SELECT * FROM shop.orders WHERE customer = ?", customerID)
///     statement.consistency = .quorum
///     statement.pageSize = 100
public struct Statement: Sendable {
    enum Body: Sendable {
        /// Values are kept as `CQLValue`s and serialized in their natural types when sent.
        case simple(String, Values)
        /// Values are already serialized as their markers' types.
        case bound(PreparedStatement, [CQLBoundValue])
    }

    enum Values: Sendable {
        case none
        case positional([CQLValue])
        case named([(String, CQLValue)])
    }

    var body: Body

    /// nil uses the client's `defaultConsistency`.
    public var consistency: CQLConsistency?
    /// SERIAL or LOCAL_SERIAL, for conditional statements.
    public var serialConsistency: CQLConsistency?
    /// The write timestamp in microseconds since the epoch; nil lets the client assign one
    /// (strictly increasing within this client), as the drivers do.
    public var timestamp: Int64?
    /// Rows per page for SELECT; nil uses the client's `defaultPageSize`, 0 or less disables paging.
    public var pageSize: Int32?
    /// Where to resume: a previous page's `ResultSet.pagingState`.
    public var pagingState: [UInt8]?
    /// Whether executing it twice equals executing it once, which allows retries (`RetryPolicy`)
    /// and speculative executions. nil uses the client's `defaultIdempotence`.
    public var isIdempotent: Bool?
    /// The partition's token, for token-aware routing. Bound statements compute it from their
    /// partition key values; for a simple statement set `routingKey`.
    public private(set) var routingToken: Int64?

    /// The serialized partition key (CompositeType for a multi-column key), for simple statements
    /// that should go to a replica of their partition.
    public var routingKey: [UInt8]? {
        didSet { routingToken = routingKey.map(Murmur3.token) }
    }

    /// A simple statement with positional values for its `?` markers.
    public init(_ cql: String, _ values: any CQLEncodable...) {
        self.init(cql, values: values)
    }

    /// A simple statement with positional values for its `?` markers.
    public init(_ cql: String, values: [any CQLEncodable]) {
        body = .simple(cql, values.isEmpty ? .none : .positional(values.map(\.cqlValue)))
    }

    /// A simple statement with values for its `:name` markers.
    public init(_ cql: String, named values: [String: any CQLEncodable]) {
        body = .simple(cql, .named(values.sorted { $0.key < $1.key }.map { ($0.key, $0.value.cqlValue) }))
    }

    init(prepared: PreparedStatement, values: [CQLBoundValue], routingToken: Int64?) {
        body = .bound(prepared, values)
        self.routingToken = routingToken
    }

    /// The CQL text.
    public var query: String {
        switch body {
        case .simple(let query, _): query
        case .bound(let prepared, _): prepared.query
        }
    }

    /// The prepared statement behind a bound statement.
    public var prepared: PreparedStatement? {
        guard case .bound(let prepared, _) = body else { return nil }
        return prepared
    }

    /// The wire form of the values: serialized in their natural types for a simple statement.
    func wireValues() throws(BasaltClientError) -> CQLQueryValues? {
        switch body {
        case .bound(_, let values):
            return .positional(values)
        case .simple(_, .none):
            return nil
        case .simple(_, .positional(let values)):
            var bound: [CQLBoundValue] = []
            bound.reserveCapacity(values.count)
            for value in values { bound.append(try value.boundByInference()) }
            return .positional(bound)
        case .simple(_, .named(let values)):
            var bound: [CQLNamedValue] = []
            bound.reserveCapacity(values.count)
            for (name, value) in values { bound.append(CQLNamedValue(name: name, value: try value.boundByInference())) }
            return .named(bound)
        }
    }
}
