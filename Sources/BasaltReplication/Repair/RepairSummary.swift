import Foundation

/// What one repair did: per table, the ranges compared and how many differed, and what moved —
/// the hash trees exchanged, and the partitions (with their rows and bytes) received from and sent
/// to the other replicas. `basalt admin repair` prints it; `repair_history.json` keeps the last ones.
public struct RepairSummary: Codable, Hashable, Sendable {
    public struct TableSummary: Codable, Hashable, Sendable {
        public var keyspace: String
        public var table: String
        /// Token ranges this node replicates, each compared with every other live replica.
        public var rangesCompared = 0
        /// Ranges where at least one replica's tree differed from this node's.
        public var rangesDiffered = 0
        public var partitionsReceived = 0
        public var partitionsSent = 0
        public var rowsReceived = 0
        public var rowsSent = 0
        /// Encoded partitions as they crossed the network (RANGE_READ answers in, MUTATION payloads out).
        public var bytesReceived = 0
        public var bytesSent = 0
        /// REPAIR_TREE requests and answers, both ways.
        public var treeBytes = 0

        public init(keyspace: String, table: String) {
            self.keyspace = keyspace
            self.table = table
        }
    }

    public var id: UUID
    /// The keyspace asked for (nil: every keyspace with more than one replica).
    public var keyspace: String?
    public var table: String?
    /// Only the ranges this node is the primary replica of (`-pr`, and scheduled repairs).
    public var primaryOnly: Bool
    /// Seconds since 1970 when it started, and how long it ran.
    public var startedAt: Double
    public var durationSeconds: Double
    /// The write timestamp (microseconds) of the consistent view the trees were built over.
    public var cutoff: Int64
    public var tables: [TableSummary]
    /// Ranges not repaired with some replica (it was down, or failed to answer), one line each.
    public var failures: [String]

    public init(id: UUID, keyspace: String?, table: String?, primaryOnly: Bool, startedAt: Double, durationSeconds: Double, cutoff: Int64,
                tables: [TableSummary], failures: [String]) {
        self.id = id
        self.keyspace = keyspace
        self.table = table
        self.primaryOnly = primaryOnly
        self.startedAt = startedAt
        self.durationSeconds = durationSeconds
        self.cutoff = cutoff
        self.tables = tables
        self.failures = failures
    }

    public var succeeded: Bool { failures.isEmpty }
}
