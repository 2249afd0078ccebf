import BasaltCluster
import Foundation

/// What holds a node's gossiper: the node's `ClusterState` in a replication simulation (so the
/// ring and liveness the coordinator plans with follow gossip), a bare `LockedGossiper` in a
/// gossip-only one. `SimulatedGossip` drives every gossiper through this one call.
public protocol GossipHost: AnyObject, Sendable {
    func withGossiper(_ body: (inout Gossiper) -> [GossipOutput]) -> [GossipOutput]
}

extension GossipHost {
    /// Reads the gossiper without changing it.
    public func read<T>(_ body: (Gossiper) -> T) -> T {
        var result: T?
        _ = withGossiper { gossiper in
            result = body(gossiper)
            return []
        }
        return result!
    }
}

/// A gossiper under a lock, for simulations of gossip alone.
public final class LockedGossiper: GossipHost, @unchecked Sendable {
    private let lock = NSLock()
    private var gossiper: Gossiper

    public init(_ gossiper: Gossiper) { self.gossiper = gossiper }

    public func withGossiper(_ body: (inout Gossiper) -> [GossipOutput]) -> [GossipOutput] {
        lock.withLock { body(&gossiper) }
    }
}
