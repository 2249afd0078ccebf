import BasaltMetrics

/// What the query processor records of the requests it serves, and what the `system_views` tables
/// that show the node's own state read: each part is optional, so a setting can turn it off.
public struct QueryObservability: Sendable {
    public var requests: ClientRequestMetrics?
    public var statements: StatementStatistics?
    public var slowQueries: SlowQueryLog?
    /// The node's configuration as `system_views.settings` lists it: name and value, by name.
    public var settings: [(name: String, value: String)]

    public init(requests: ClientRequestMetrics?, statements: StatementStatistics?, slowQueries: SlowQueryLog?,
                settings: [(name: String, value: String)]) {
        self.requests = requests
        self.statements = statements
        self.slowQueries = slowQueries
        self.settings = settings
    }
}
