import BasaltCluster
import BasaltCoordination
import BasaltCore
import BasaltQuery
import Foundation

/// The node's live picture of the cluster: the gossiper (membership, liveness, application states)
/// and the token ring built from it. The coordinator plans with it (`ClusterView`), the system
/// tables show it (`PeerDirectory`), and the gossip shell drives it. Every access is under one lock;
/// placements are cached per replication strategy until the ring changes.
public final class ClusterState: ClusterView, PeerDirectory, @unchecked Sendable {
    public let localAddress: NodeAddress
    public let localDataCenter: String
    private let lock = NSLock()
    private var gossiper: Gossiper
    private var ring = TokenRing()
    /// The ring once the topology change in progress (if any) is done: live BOOT nodes added,
    /// LEAVING and REMOVING nodes gone (`TokenRing.afterChange`).
    private var future = TokenRing()
    private var placements: [ReplicationStrategy: ReplicaPlacement] = [:]
    private var pendingRanges: [ReplicationStrategy: PendingRanges] = [:]
    /// `future != ring`, kept so that a write outside a topology change pays nothing for it.
    private var changing = false
    private var downSince: [NodeAddress: MonotonicTime] = [:]
    /// Versions peers answered to schema pushes, with the gossiped value they supersede.
    private var pushedSchema: [NodeAddress: (version: UUID, gossiped: String?)] = [:]
    private let clock: @Sendable () -> MonotonicTime

    public init(gossiper: Gossiper, dataCenter: String, clock: @escaping @Sendable () -> MonotonicTime) {
        self.gossiper = gossiper
        localAddress = gossiper.local
        localDataCenter = dataCenter
        self.clock = clock
    }

    // MARK: driving the gossiper

    /// Runs `body` on the gossiper under the lock; rebuilds the ring when membership or tokens
    /// may have changed, and tracks since when nodes are down (for the hint window).
    public func withGossiper(_ body: (inout Gossiper) -> [GossipOutput]) -> [GossipOutput] {
        lock.withLock {
            let outputs = body(&gossiper)
            var ringChanged = false
            for output in outputs {
                switch output {
                // Liveness matters too: a joining node that dies stops being pending (it streams
                // everything again when it restarts).
                case .joined, .restarted, .removed: ringChanged = true
                case .changed(_, let key, _) where key == .status || key == .dataCenter || key == .rack: ringChanged = true
                case .dead(let node):
                    downSince[node] = clock()
                    ringChanged = true
                case .alive(let node):
                    downSince[node] = nil
                    ringChanged = true
                default: break
                }
            }
            if ringChanged { rebuildRing() }
            return outputs
        }
    }

    /// Puts back peers an earlier process saved (`SavedPeers`), unreachable until heard from.
    public func restore(_ peers: [NodeAddress: [ApplicationStateKey: String]]) {
        lock.withLock {
            for (node, states) in peers.sorted(by: { $0.key < $1.key }) {
                gossiper.restore(node, states: states)
                downSince[node] = clock()
            }
            rebuildRing()
        }
    }

    /// Sets a dead node's STATUS on its behalf (`Gossiper.setStatus(_:onBehalfOf:now:)`).
    @discardableResult
    public func setStatus(_ status: NodeStatus, onBehalfOf node: NodeAddress) -> Bool {
        lock.withLock {
            let done = gossiper.setStatus(status, onBehalfOf: node, now: clock())
            if done { rebuildRing() }
            return done
        }
    }

    /// Sets a local application state (and rebuilds the ring when it is this node's STATUS).
    public func setLocalState(_ key: ApplicationStateKey, _ value: String) {
        lock.withLock {
            gossiper.setLocalState(key, value)
            if key == .status { rebuildRing() }
        }
    }

    /// Ring members: nodes whose STATUS is NORMAL, LEAVING, REMOVING or SHUTDOWN (they own their
    /// tokens; a node stopped on purpose is down, not gone, and its ranges do not move). The future
    /// ring adds the live BOOT nodes and drops the LEAVING and REMOVING ones.
    private func rebuildRing() {
        var rebuilt = TokenRing()
        var joining: [(node: NodeAddress, location: NodeLocation, tokens: [Int64])] = []
        var leaving: Set<NodeAddress> = []
        for node in gossiper.knownEndpoints {
            guard let state = gossiper.state(of: node), let statusText = state[.status],
                  let status = NodeStatus(statusText) else { continue }
            let location = NodeLocation(dataCenter: state[.dataCenter] ?? "datacenter1", rack: state[.rack] ?? "rack1")
            switch status {
            case .normal(let tokens), .leaving(let tokens), .shutdown(let tokens), .removing(let tokens):
                // A token claimed twice (a misconfigured initial_token) keeps the first claimant.
                try? rebuilt.add(node, location: location, tokens: tokens)
                if case .leaving = status { leaving.insert(node) }
                if case .removing = status { leaving.insert(node) }
            case .bootstrapping(let tokens):
                if !tokens.isEmpty, gossiper.isAlive(node) { joining.append((node, location, tokens)) }
            case .left:
                continue
            }
        }
        let rebuiltFuture = rebuilt.afterChange(joining: joining, leaving: leaving)
        if rebuilt != ring || rebuiltFuture != future {
            ring = rebuilt
            future = rebuiltFuture
            changing = rebuilt != rebuiltFuture
            placements = [:]
            pendingRanges = [:]
        }
    }

    // MARK: queries for the shell

    public var tokenRing: TokenRing { lock.withLock { ring } }

    /// The ring once the topology change in progress is done (the current ring when none is).
    public var futureRing: TokenRing { lock.withLock { future } }

    /// The ranges each node gains in the change in progress, with live sources (`PendingRanges`).
    public func transfers(of keyspace: KeyspaceSchema) -> [RangeTransfer] {
        lock.withLock { pending(Self.strategy(of: keyspace)).transfers(isAlive: gossiper.isAlive) }
    }

    public func state(of node: NodeAddress) -> EndpointState? { lock.withLock { gossiper.state(of: node) } }

    public func isAlive(_ node: NodeAddress) -> Bool { lock.withLock { gossiper.isAlive(node) } }

    public var knownNodes: [NodeAddress] { lock.withLock { gossiper.knownEndpoints } }

    // MARK: ClusterView

    public func replicationFactors(of keyspace: KeyspaceSchema) -> [String: Int] {
        switch Self.strategy(of: keyspace) {
        case .simple(let factor): [localDataCenter: factor]
        case .networkTopology(let factors): factors
        case .local: [localDataCenter: 1]
        }
    }

    public func replicas(of token: Int64, keyspace: KeyspaceSchema) -> [ReplicaCandidate<NodeAddress>] {
        lock.withLock {
            placement(Self.strategy(of: keyspace)).replicas(for: token).map(candidate)
        }
    }

    public func pendingReplicas(of token: Int64, keyspace: KeyspaceSchema) -> [ReplicaCandidate<NodeAddress>] {
        lock.withLock {
            let strategy = Self.strategy(of: keyspace)
            guard changing, strategy != .local else { return [] }
            return pending(strategy).pendingReplicas(for: token).map(candidate)
        }
    }

    public func ranges(of keyspace: KeyspaceSchema) -> [ScanRange] {
        lock.withLock {
            placement(Self.strategy(of: keyspace)).scanRanges().map { piece in
                ScanRange(start: piece.range.start == .min ? nil : piece.range.start, end: piece.range.end,
                          replicas: piece.replicas.map(candidate))
            }
        }
    }

    public var members: [(address: NodeAddress, isAlive: Bool)] {
        lock.withLock { ring.nodes.map { ($0, gossiper.isAlive($0)) } }
    }

    public func hostID(of node: NodeAddress) -> UUID? {
        lock.withLock { gossiper.state(of: node)?[.hostID].flatMap(UUID.init(uuidString:)) }
    }

    public func address(ofHost host: UUID) -> NodeAddress? {
        lock.withLock {
            gossiper.knownEndpoints.first { gossiper.state(of: $0)?[.hostID].flatMap(UUID.init(uuidString:)) == host }
        }
    }

    public func schemaVersion(of node: NodeAddress) -> UUID? {
        lock.withLock { currentSchemaVersion(of: node) }
    }

    public func noteSchemaVersion(_ version: UUID, of node: NodeAddress) {
        lock.withLock { pushedSchema[node] = (version, gossiper.state(of: node)?[.schema]) }
    }

    /// REQUIRES: the lock is held. A pushed answer holds while gossip still shows what it showed
    /// then; any newer gossip wins.
    private func currentSchemaVersion(of node: NodeAddress) -> UUID? {
        let gossiped = gossiper.state(of: node)?[.schema]
        if let pushed = pushedSchema[node], pushed.gossiped == gossiped { return pushed.version }
        return gossiped.flatMap(UUID.init(uuidString:))
    }

    public func downSeconds(of node: NodeAddress) -> Int64 {
        lock.withLock {
            guard let since = downSince[node] else { return 0 }
            return (clock() - since).components.seconds
        }
    }

    // MARK: PeerDirectory

    public var peers: [PeerInfo] {
        lock.withLock {
            ring.nodes.filter { $0 != localAddress }.compactMap { node in
                guard let state = gossiper.state(of: node), let location = ring.location(of: node),
                      let host = state[.hostID].flatMap(UUID.init(uuidString:)) else { return nil }
                let native = Self.nativeEndpoint(state[.nativeAddress], fallbackHost: node.host)
                return PeerInfo(address: node.host, port: Int32(node.port), nativeAddress: native.host, nativePort: Int32(native.port),
                                dataCenter: location.dataCenter, rack: location.rack, hostID: host, tokens: ring.tokens(of: node),
                                releaseVersion: state[.releaseVersion] ?? "5.0.0",
                                schemaVersion: currentSchemaVersion(of: node))
            }
        }
    }

    /// NATIVE_ADDRESS is `host:port` of the node's CQL server.
    public static func nativeEndpoint(_ value: String?, fallbackHost: String) -> (host: String, port: Int) {
        guard let value, let colon = value.lastIndex(of: ":"), let port = Int(value[value.index(after: colon)...]) else {
            return (fallbackHost, 9042)
        }
        return (String(value[..<colon]), port)
    }

    // MARK: placement

    /// The keyspace's replication as a strategy; an unparsable map (impossible after validation
    /// at CREATE KEYSPACE) falls back to one replica.
    public static func strategy(of keyspace: KeyspaceSchema) -> ReplicationStrategy {
        let options = keyspace.replication
        let className = options["class"] ?? ""
        if className.hasSuffix("SimpleStrategy") {
            return .simple(replicationFactor: Int(options["replication_factor"] ?? "") ?? 1)
        }
        if className.hasSuffix("NetworkTopologyStrategy") {
            var factors: [String: Int] = [:]
            for (key, value) in options where key != "class" { factors[key] = Int(value) ?? 0 }
            return .networkTopology(factors)
        }
        if className.hasSuffix("LocalStrategy") { return .local }
        return .simple(replicationFactor: 1)
    }

    /// REQUIRES: the lock is held.
    private func placement(_ strategy: ReplicationStrategy) -> ReplicaPlacement {
        if let cached = placements[strategy] { return cached }
        let placement = ReplicaPlacement(ring: ring, strategy: strategy, localNode: localAddress)
        placements[strategy] = placement
        return placement
    }

    /// REQUIRES: the lock is held.
    private func pending(_ strategy: ReplicationStrategy) -> PendingRanges {
        if let cached = pendingRanges[strategy] { return cached }
        let computed = PendingRanges(current: ring, future: future, strategy: strategy, localNode: localAddress)
        pendingRanges[strategy] = computed
        return computed
    }

    /// REQUIRES: the lock is held.
    private func candidate(_ node: NodeAddress) -> ReplicaCandidate<NodeAddress> {
        let location = ring.location(of: node) ?? future.location(of: node)
        return ReplicaCandidate(replica: node, dataCenter: location?.dataCenter ?? localDataCenter,
                         isAlive: gossiper.isAlive(node), isLocal: node == localAddress)
    }
}
