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
    public var startedAt: Date

    public init(clusterName: String, cluster: ClusterNode, engine: StorageEngine, catalog: SchemaCatalog, startedAt: Date) {
        self.clusterName = clusterName
        self.cluster = cluster
        self.engine = engine
        self.catalog = catalog
        self.startedAt = startedAt
    }

    public var state: ClusterState { cluster.state }

    /// The keyspace named by `?keyspace=`, refused clearly when it does not exist.
    func keyspace(named name: String) throws -> KeyspaceSchema {
        guard let keyspace = catalog.keyspace(name) else { throw AdminError.notFound("keyspace \(name) does not exist") }
        return keyspace
    }
}
