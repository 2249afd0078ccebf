import BasaltCore
import BasaltCQLProtocol
import BasaltStorage

/// Where the query layer's reads and writes go. On a single node that is the local storage engine
/// (`LocalStorageProxy`); in a cluster it is the coordinator, which sends each partition to its
/// replicas and waits for as many answers as the consistency level asks. The query layer turns
/// statements into partition updates and partition reads and never needs to know which one it has.
public protocol StorageProxy: AnyObject, Sendable {
    /// Applies `updates` (each normalized, one per partition) at `consistency`. Throws a
    /// `QueryError` with `.unavailable` / `.writeTimeout` when the level cannot be met.
    func write(_ updates: [PartitionUpdate], consistency: CQLConsistency, writeType: CQLWriteType) async throws

    /// The live content of one partition within `slice`, or nil if nothing lives there.
    func read(_ table: TableSchema, key: PartitionKey, slice: ClusteringSlice,
              consistency: CQLConsistency) async throws -> ResolvedPartition?

    /// Live partitions in token order, starting at `start` (or the beginning of the ring) and
    /// ending after the last partition whose token is ≤ `endToken` (or the end of the ring).
    func scan(_ table: TableSchema, from start: PartitionKey?, inclusive: Bool, endToken: Int64?,
              consistency: CQLConsistency) async throws -> any PartitionStream

    /// Removes every row of `table` on every node holding it.
    func truncate(_ table: TableSchema) async throws

    /// Called after a schema change made on this node, before the client is answered: a cluster
    /// pushes the schema to the other nodes so that they agree by the time the driver checks.
    func announceSchemaChange() async
}

/// A stream of live partitions in token order, pulled one at a time so a page stops reading as
/// soon as it is full.
public protocol PartitionStream: AnyObject {
    func next() async throws -> ResolvedPartition?
}

/// The single-node proxy: every consistency level is met by this node's own storage, which is
/// the only replica (a keyspace's replication factor cannot exceed the one node there is).
public final class LocalStorageProxy: StorageProxy {
    let engine: StorageEngine

    public init(engine: StorageEngine) { self.engine = engine }

    public func write(_ updates: [PartitionUpdate], consistency: CQLConsistency, writeType: CQLWriteType) async throws {
        try await engine.write(Mutation(updates))
    }

    public func read(_ table: TableSchema, key: PartitionKey, slice: ClusteringSlice,
                     consistency: CQLConsistency) async throws -> ResolvedPartition? {
        try storage(table).read(key, slice: slice)
    }

    public func scan(_ table: TableSchema, from start: PartitionKey?, inclusive: Bool, endToken: Int64?,
                     consistency: CQLConsistency) async throws -> any PartitionStream {
        LocalPartitionStream(scanner: try storage(table).scanner(from: start, inclusive: inclusive, endToken: endToken))
    }

    public func truncate(_ table: TableSchema) async throws {
        try engine.truncate(table.id)
    }

    public func announceSchemaChange() async {}

    private func storage(_ table: TableSchema) throws -> Table {
        guard let storage = engine.table(table.id) else { throw QueryError.tableMissing(table.name) }
        return storage
    }
}

/// Adapts the storage engine's synchronous scanner to `PartitionStream`.
public final class LocalPartitionStream: PartitionStream {
    let scanner: TableScanner

    public init(scanner: TableScanner) { self.scanner = scanner }

    public func next() async throws -> ResolvedPartition? { try scanner.next() }
}
