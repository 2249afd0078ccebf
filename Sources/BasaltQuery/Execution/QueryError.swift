import BasaltCQLProtocol

/// An error answered to the client: the protocol error kind and Cassandra's wording. Everything the
/// executor throws for a client's mistake is one of these, so it never turns into a 0x0000 server
/// error (which the driver retries on every host).
public struct QueryError: Error, Hashable, Sendable, CustomStringConvertible {
    public var kind: CQLErrorMessage.Kind
    public var message: String

    public init(_ kind: CQLErrorMessage.Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }

    static func invalid(_ message: String) -> QueryError { QueryError(.invalid, message) }
    static func config(_ message: String) -> QueryError { QueryError(.configError, message) }
    static func syntax(_ message: String) -> QueryError { QueryError(.syntaxError, message) }

    static func keyspaceMissing(_ keyspace: String) -> QueryError {
        .invalid("Keyspace '\(keyspace)' does not exist")
    }

    static func tableMissing(_ table: String) -> QueryError { .invalid("unconfigured table \(table)") }

    static let filteringRequired = QueryError.invalid(
        "Cannot execute this query as it might involve data filtering and thus may have unpredictable performance. "
            + "If you want to execute this query despite the performance unpredictability, use ALLOW FILTERING")

    static let noKeyspace = QueryError.invalid(
        "No keyspace has been specified. USE a keyspace, or explicitly specify keyspace.tablename")
}
