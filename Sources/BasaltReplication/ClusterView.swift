import BasaltCoordination
import BasaltCore
import BasaltQuery
import Foundation

/// What the coordinator needs to know about the cluster at the moment it plans a request: where
/// each token's replicas are, which are alive, and who this node is. The live implementation reads
/// the token ring and gossip state; tests supply a fixed one.
public protocol ClusterView: Sendable {
    var localAddress: NodeAddress { get }
    var localDataCenter: String { get }
    /// Replication factor per data center (SimpleStrategy: all under the local data center).
    func replicationFactors(of keyspace: KeyspaceSchema) -> [String: Int]
    /// The replicas of `token` in ring order (primary first), with liveness.
    func replicas(of token: Int64, keyspace: KeyspaceSchema) -> [ReplicaCandidate<NodeAddress>]
    /// Nodes about to become replicas of `token` (bootstrapping, or taking over from a node that
    /// leaves or is removed): writes go to them too, reads never do.
    func pendingReplicas(of token: Int64, keyspace: KeyspaceSchema) -> [ReplicaCandidate<NodeAddress>]
    /// The ring's ranges (start exclusive, end inclusive] in token order, with their replicas; the
    /// last range wraps past the maximum token to the first ring token.
    func ranges(of keyspace: KeyspaceSchema) -> [ScanRange]
    /// Every node of the cluster and whether it is alive now.
    var members: [(address: NodeAddress, isAlive: Bool)] { get }
    func hostID(of node: NodeAddress) -> UUID?
    /// The node with host id `host`, if it is a member (hints are kept by host id, which survives
    /// an address change).
    func address(ofHost host: UUID) -> NodeAddress?
    /// The schema version a node announces (nil until it has).
    func schemaVersion(of node: NodeAddress) -> UUID?
    /// A node answered a schema push with its version: believe it until gossip says otherwise, so
    /// a driver's schema-agreement wait after DDL does not wait for the next gossip round.
    func noteSchemaVersion(_ version: UUID, of node: NodeAddress)
    /// How long a node has been down (0 when it is up), for the hint window.
    func downSeconds(of node: NodeAddress) -> Int64
}

extension ClusterView {
    /// A view whose ring never changes (tests, the simulator) has nothing pending.
    public func pendingReplicas(of token: Int64, keyspace: KeyspaceSchema) -> [ReplicaCandidate<NodeAddress>] { [] }
}

/// A contiguous token range and the replicas holding it.
public struct ScanRange: Sendable {
    /// Exclusive start; nil = the start of the ring (the minimum token).
    public var start: Int64?
    /// Inclusive end; nil = the end of the ring.
    public var end: Int64?
    public var replicas: [ReplicaCandidate<NodeAddress>]

    public init(start: Int64?, end: Int64?, replicas: [ReplicaCandidate<NodeAddress>]) {
        self.start = start
        self.end = end
        self.replicas = replicas
    }
}

/// The requests a coordinator sends to replicas; the transport maps them to internode verbs.
public enum ReplicaVerb: Hashable, Sendable, CaseIterable {
    case mutation, hint, readData, readDigest, rangeRead, truncate, schemaPull, schemaPush, repairTree
}

/// Carries a coordinator's request to another node and returns the answer's payload. Throws when
/// the node does not answer in time, cannot be reached, or answers with an error.
public protocol ReplicaTransport: Sendable {
    func request(_ verb: ReplicaVerb, payload: [UInt8], to node: NodeAddress, timeout: Duration) async throws -> [UInt8]
}

/// How a request to a replica fails, as a `ReplicaTransport` reports it; the coordinator treats
/// the two differently, as Cassandra does.
public enum ReplicaRequestError: Error, Hashable, Sendable, CustomStringConvertible {
    /// No answer in time. Not a failure: the replica may yet apply the write, so the request as a
    /// whole ends in a timeout (outcome unknown), never in a failure, because of it.
    case timedOut
    /// The replica could not be reached or answered with an error: counted as a failure at once
    /// (a read then asks a spare replica).
    case failed(String)

    public var description: String {
        switch self {
        case .timedOut: "timed out"
        case .failed(let reason): reason
        }
    }
}
