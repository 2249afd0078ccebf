import BasaltClient
import BasaltCQLProtocol

/// What `basalt stress` runs: the workload, its size or length, its pace, and the data's shape.
public struct StressConfiguration: Sendable {
    public enum Mode: String, Sendable, CaseIterable {
        /// Inserts rows.
        case write
        /// Reads rows a previous `write` run inserted.
        case read
        /// Reads and writes, `readRatio` of the operations being reads of rows already written.
        case mixed
    }

    /// How a workload picks rows.
    public enum Distribution: String, Sendable, CaseIterable {
        /// Rows in order: 0, 1, 2, ...
        case sequential
        /// Writes visit every row once in a scattered order (a permutation); reads pick uniformly.
        case uniform
        /// Rows near the middle of the population are hot (a normal distribution, σ = population / 6).
        case gaussian
    }

    public var mode: Mode = .write
    public var hosts: [String] = ["127.0.0.1"]
    /// Operations to run; nil runs for `duration`.
    public var operations: Int?
    public var duration: Duration?
    /// Operations per second in total; nil runs unthrottled.
    public var rate: Double?
    /// Requests in flight at once.
    public var concurrency = 64
    public var consistency: CQLConsistency = .one
    public var replicationFactor = 1
    /// Read every acknowledged write back at the end and compare its value.
    public var verify = false
    public var partitions = 1_000_000
    public var rowsPerPartition = 1
    public var valueSize = 100
    public var distribution: Distribution = .uniform
    /// Share of reads in `mixed`, in `0 ... 1`.
    public var readRatio = 0.5
    public var keyspace = "basalt_stress"
    public var table = "standard"
    public var seed: UInt64 = 1
    /// Client settings: port, connections per host, compression, event loops.
    public var client = BasaltClient.Configuration()

    public init() {}

    /// Rows the workload addresses: `partitions × rowsPerPartition`.
    public var population: Int { partitions * rowsPerPartition }

    /// The first problem with these settings, nil if there is none.
    public var problem: String? {
        if (operations == nil) == (duration == nil) { return "give exactly one of --n and --duration" }
        if let operations, operations <= 0 { return "--n must be positive" }
        if let duration, duration <= .zero { return "--duration must be positive" }
        if let rate, rate <= 0 { return "--rate must be positive" }
        if concurrency < 1 || concurrency > 65_536 { return "--concurrency must be in 1...65536" }
        if partitions < 1 || rowsPerPartition < 1 || partitions > Int(Int64.max) / rowsPerPartition {
            return "--partitions and --rows-per-partition must be positive"
        }
        if rowsPerPartition > Int(Int32.max) { return "--rows-per-partition must fit an int" }
        if valueSize < 0 || valueSize > 16 << 20 { return "--value-size must be in 0...16777216" }
        if !(0...1).contains(readRatio) { return "--read-ratio must be in 0...1" }
        if replicationFactor < 1 { return "--replication-factor must be positive" }
        if verify && mode == .read { return "--verify checks the writes of this run: use it with write or mixed" }
        if verify && distribution == .gaussian {
            return "--verify needs each write's row to follow from its sequence number: use sequential or uniform"
        }
        if !isPlainIdentifier(keyspace) || !isPlainIdentifier(table) {
            return "--keyspace and --table must be plain identifiers (letters, digits, underscores)"
        }
        return nil
    }

    private func isPlainIdentifier(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first.properties.isAlphabetic else { return false }
        return name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_") }
    }
}
