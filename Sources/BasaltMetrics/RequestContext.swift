import BasaltCore
import Synchronization

/// What the layers under the query processor note about the client request they serve, found as
/// a task local: the replicas the coordinator contacted (for the slow-query log). A request that is
/// traced would carry its trace session here too.
///
/// Set for every client request by the query processor, so the coordinator needs no parameter
/// through the storage proxy's calls; nil for the node's own internal statements.
public final class RequestContext: Sendable {
    @TaskLocal public static var current: RequestContext?

    /// A request fans out to this many replicas per partition at most; a scan of many ranges stops
    /// noting them past this bound.
    public static let maximumReplicasNoted = 32

    private let replicas = Mutex<[NodeAddress]>([])

    public init() {}

    /// Adds replicas not noted yet, in the order first contacted.
    public func noteReplicas(_ addresses: some Sequence<NodeAddress>) {
        replicas.withLock { noted in
            for address in addresses where noted.count < Self.maximumReplicasNoted && !noted.contains(address) {
                noted.append(address)
            }
        }
    }

    /// As `host:port`, kept as addresses until asked for (only a slow request is).
    public var replicasContacted: [String] { replicas.withLock { $0 }.map(\.description) }
}
