import BasaltMetrics

/// What the query processor records of the requests it serves, and what the `system_views` tables
/// that show the node's own state read: each part is optional, so a setting can turn it off.
/// A class: every request reads it, and a reference costs one retain where the fields would cost four.
public final class QueryObservability: Sendable {
    public let requests: ClientRequestMetrics?
    public let statements: StatementStatistics?
    public let slowQueries: SlowQueryLog?
    /// The node's configuration as `system_views.settings` lists it: name and value, by name.
    public let settings: [(name: String, value: String)]
    /// False when every part is off: requests then skip the timing and the request context too.
    let recordsRequests: Bool

    public init(requests: ClientRequestMetrics?, statements: StatementStatistics?, slowQueries: SlowQueryLog?,
                settings: [(name: String, value: String)]) {
        self.requests = requests
        self.statements = statements
        self.slowQueries = slowQueries
        self.settings = settings
        recordsRequests = requests != nil || statements != nil || slowQueries != nil
    }
}
