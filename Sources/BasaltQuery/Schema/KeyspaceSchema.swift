/// A keyspace: its replication (a `map<text,text>` with full class names, as `system_schema.keyspaces`
/// shows it and as drivers parse it) and `durable_writes`.
public struct KeyspaceSchema: Sendable, Hashable, Codable {
    public var name: String
    public var replication: [String: String]
    public var durableWrites: Bool

    public init(name: String, replication: [String: String], durableWrites: Bool = true) {
        self.name = name
        self.replication = replication
        self.durableWrites = durableWrites
    }

    public static let simpleStrategy = "org.apache.cassandra.locator.SimpleStrategy"
    public static let networkTopologyStrategy = "org.apache.cassandra.locator.NetworkTopologyStrategy"
    public static let localStrategy = "org.apache.cassandra.locator.LocalStrategy"
}
