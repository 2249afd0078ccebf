import BasaltCluster
import BasaltQuery
import BasaltReplication
import BasaltStorage
import Foundation

/// What the admin commands reach on a running node. Built once at start-up (`basalt start`) and
/// handed to every command group.
public struct AdminNode: Sendable {
    public var clusterName: String
    public var cluster: ClusterNode
    public var engine: StorageEngine
    public var catalog: SchemaCatalog
    public var repairs: RepairCoordinator
    public var startedAt: Date
    /// Stops the node as SIGTERM does (gossip SHUTDOWN, connections drained, memtables flushed,
    /// then the process exits 0).
    public var drain: @Sendable () -> Void

    public init(clusterName: String, cluster: ClusterNode, engine: StorageEngine, catalog: SchemaCatalog,
                repairs: RepairCoordinator, startedAt: Date, drain: @escaping @Sendable () -> Void) {
        self.repairs = repairs
        self.clusterName = clusterName
        self.cluster = cluster
        self.engine = engine
        self.catalog = catalog
        self.startedAt = startedAt
        self.drain = drain
    }

    public var state: ClusterState { cluster.state }

    /// The keyspace named by `?keyspace=`, refused clearly when it does not exist.
    func keyspace(named name: String) throws -> KeyspaceSchema {
        guard let keyspace = catalog.keyspace(name) else { throw AdminError.notFound("keyspace \(name) does not exist") }
        return keyspace
    }

    /// The tables a command acts on: `?keyspace=` and `?table=` narrow it; neither means every table
    /// of every keyspace (system ones included, as nodetool flush does).
    func tables(_ request: AdminRequest) throws -> [TableSchema] {
        guard let name = request.argument("keyspace") else {
            guard request.argument("table") == nil else { throw AdminError.badRequest("a table needs its keyspace") }
            return catalog.allKeyspaces.sorted { $0.name < $1.name }.flatMap { catalog.tables(in: $0.name) }
        }
        _ = try keyspace(named: name)
        guard let tableName = request.argument("table") else { return catalog.tables(in: name) }
        guard let table = catalog.table(keyspace: name, name: tableName) else {
            throw AdminError.notFound("table \(name).\(tableName) does not exist")
        }
        return [table]
    }

    /// Runs blocking storage work (a flush, a compaction) on a thread of its own, so it holds neither
    /// the endpoint's event loop nor a thread of Swift's cooperative pool.
    static func blocking<Value: Sendable>(_ work: @escaping @Sendable () throws -> Value) async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try work() }) }.start()
        }
    }
}
