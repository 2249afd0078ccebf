import BasaltCore
/// Cluster membership by gossip, modelled on Cassandra's `gms/Gossiper`, as a pure value: no
/// sockets, timers, clock or random source of its own. The shell calls `tick` once per gossip
/// interval (1 s) and `receive` for every gossip message that arrives, passing the time (and for
/// `tick` a random source), and carries out the returned outputs in order: messages to send and
/// membership events to act on. One seed therefore replays a whole simulated cluster.
///
/// Every node knows an `EndpointState` per node: a heartbeat (generation = process start second,
/// version) and versioned application states (STATUS, TOKENS, DC, RACK, ...). Each tick bumps the
/// local heartbeat and starts a round (SYN → ACK → ACK2, see `GossipMessage`) with a random live
/// peer; sometimes also with an unreachable one (to notice it is back) and with a seed (so that
/// groups that only know each other still meet through the seeds). Remote states are merged by
/// generation, then version. A newer heartbeat version of a node feeds the phi-accrual failure
/// detector, which convicts nodes whose heartbeats stop; convicted nodes stay known (and gossiped)
/// as unreachable until a newer heartbeat shows up. A node whose STATUS is LEFT is removed after
/// `quarantineDelay`, and its generation is remembered so stale gossip does not bring it back.
///
/// Determinism: every iteration over nodes is in address order, so the same inputs and random
/// source give the same outputs on every run.
public struct Gossiper: Sendable {
    public let local: NodeAddress
    public let clusterName: String
    /// The seeds other than this node, in address order.
    public let seeds: [NodeAddress]
    public let configuration: GossipConfiguration

    /// Every known node's state, this one's included.
    var endpointStates: [NodeAddress: EndpointState]
    /// Remote nodes considered up. Known remote nodes not in here are unreachable.
    var live: Set<NodeAddress> = []
    var failureDetector: PhiAccrualFailureDetector
    /// LEFT nodes and when they are to be removed.
    var removalDeadlines: [NodeAddress: MonotonicTime] = [:]
    /// Removed nodes: the generation removed and when to forget it.
    var removedEndpoints: [NodeAddress: (generation: Int64, forgetAt: MonotonicTime)] = [:]
    /// The last version handed out: one counter for the heartbeat and every local application
    /// state, so a digest's maximum version covers both.
    private var lastVersion: Int64 = 0

    /// A gossiper for a node process that started at `generation` (seconds since the epoch, so that
    /// a restarted process has a larger one).
    public init(local: NodeAddress, generation: Int64, seeds: [NodeAddress], clusterName: String,
                configuration: GossipConfiguration = GossipConfiguration()) {
        precondition(clusterName.utf8.count <= GossipMessage.Limits.clusterNameBytes, "cluster name too long")
        precondition(!local.host.isEmpty && local.host.utf8.count <= GossipMessage.Limits.hostBytes, "bad host \(local)")
        self.local = local
        self.clusterName = clusterName
        self.seeds = Set(seeds).subtracting([local]).sorted()
        self.configuration = configuration
        failureDetector = PhiAccrualFailureDetector(configuration: configuration.failureDetector)
        endpointStates = [local: EndpointState(heartbeat: HeartbeatState(generation: generation, version: 0))]
    }

    // MARK: queries

    /// Remote nodes considered up, in address order.
    public var liveMembers: [NodeAddress] { live.sorted() }

    /// Known remote nodes considered down, in address order.
    public var unreachableMembers: [NodeAddress] {
        endpointStates.keys.filter { $0 != local && !live.contains($0) }.sorted()
    }

    /// Every known node, this one included, in address order.
    public var knownEndpoints: [NodeAddress] { endpointStates.keys.sorted() }

    public func state(of endpoint: NodeAddress) -> EndpointState? { endpointStates[endpoint] }

    /// This process's generation.
    public var generation: Int64 { endpointStates[local]!.heartbeat.generation }

    /// This node is always alive to itself.
    public func isAlive(_ endpoint: NodeAddress) -> Bool { endpoint == local || live.contains(endpoint) }

    /// The failure detector's current suspicion of `endpoint` (nil if never heard from).
    public func phi(of endpoint: NodeAddress, now: MonotonicTime) -> Double? { failureDetector.phi(of: endpoint, at: now) }

    // MARK: local state

    /// Sets one of this node's application states; peers learn it in the next rounds.
    /// REQUIRES: the value fits a gossip message (`GossipMessage.Limits.valueBytes`).
    public mutating func setLocalState(_ key: ApplicationStateKey, _ value: String) {
        precondition(value.utf8.count <= GossipMessage.Limits.valueBytes, "\(key) value of \(value.utf8.count) bytes too long")
        lastVersion += 1
        endpointStates[local]!.applicationStates[key] = VersionedValue(value, version: lastVersion)
        precondition(endpointStates[local]!.applicationStates.count <= GossipMessage.Limits.applicationStates,
                     "too many application states")
    }

    /// A graceful stop: STATUS becomes SHUTDOWN (with the tokens it had) and this node's whole
    /// state is pushed to every live peer at once, as an ACK2, so they mark it down now rather than
    /// when their failure detectors convict it. The shell sends these last messages and then stops.
    public mutating func announceShutdown() -> [GossipOutput] {
        let status = endpointStates[local]![.status].flatMap(NodeStatus.init)
        // A node that has left stays LEFT: its tokens are no longer its own to come back to.
        if case .left? = status {} else {
            setLocalState(.status, NodeStatus.shutdown(tokens: status?.tokens ?? []).description)
        }
        let state = endpointStates[local]!
        // Addressed to the process of each peer this node knows; a peer that restarted since
        // drops it and convicts this node by its failure detector instead.
        return liveMembers.map { peer in
            .send(.ack2(receiverGeneration: endpointStates[peer]!.heartbeat.generation, states: [local: state]), to: peer)
        }
    }

    /// Adds a peer as a previous process of this node knew it (its saved STATUS, TOKENS, DC, RACK,
    /// HOST_ID), unreachable until gossip brings its real state: a restarted node then places data
    /// on the whole ring at once (a write for a range of a peer it has not heard from yet is hinted
    /// or refused, not stored here as if this node owned it), as Cassandra loads its saved ring
    /// from `system.peers`. The state has generation 0, below any real process's, so the first
    /// word from the peer replaces it; it is never gossiped on. Ignored for this node and for a
    /// node already known.
    public mutating func restore(_ endpoint: NodeAddress, states: [ApplicationStateKey: String]) {
        guard endpoint != local, endpointStates[endpoint] == nil else { return }
        var state = EndpointState(heartbeat: HeartbeatState(generation: 0, version: 0))
        for (key, value) in states { state.applicationStates[key] = VersionedValue(value, version: 0) }
        endpointStates[endpoint] = state
    }

    /// Sets the STATUS of a dead node on its behalf (removenode and replace: the node cannot say
    /// it is being removed or has been replaced; the caller has made sure it is down). Only a node
    /// changes its own state within a generation, so the state is re-issued under the next
    /// generation, which every peer takes over the dead process's; a real restart of that node,
    /// with its start second as generation, still wins. The node is no longer counted as up here.
    /// Returns false, changing nothing, for this node or an unknown one.
    public mutating func setStatus(_ status: NodeStatus, onBehalfOf endpoint: NodeAddress, now: MonotonicTime) -> Bool {
        guard endpoint != local, var state = endpointStates[endpoint] else { return false }
        live.remove(endpoint)
        failureDetector.remove(endpoint)
        state.heartbeat = HeartbeatState(generation: state.heartbeat.generation + 1, version: state.maxVersion + 1)
        state.applicationStates[.status] = VersionedValue(status.description, version: state.maxVersion + 1)
        endpointStates[endpoint] = state
        removalDeadlines[endpoint] = nil
        scheduleRemovalIfLeft(endpoint, now: now)
        return true
    }

    // MARK: the gossip round

    /// One gossip interval: bump the heartbeat, start rounds, judge liveness, drop LEFT nodes whose
    /// quarantine ended.
    public mutating func tick(now: MonotonicTime, rng: inout some RandomNumberGenerator) -> [GossipOutput] {
        var outputs: [GossipOutput] = []
        lastVersion += 1
        endpointStates[local]!.heartbeat.version = lastVersion
        let syn = GossipMessage.syn(clusterName: clusterName, digests: digests())
        let liveNow = liveMembers
        let unreachableNow = unreachableMembers

        var gossipedToSeed = false
        if let target = liveNow.randomElement(using: &rng) {
            outputs.append(.send(syn, to: target))
            gossipedToSeed = seeds.contains(target)
        }
        // An unreachable node is tried with probability unreachable / (live + 1), so that a node
        // that comes back is noticed even if it does not gossip to us first.
        if !unreachableNow.isEmpty,
           Double.random(in: 0..<1, using: &rng) < Double(unreachableNow.count) / Double(liveNow.count + 1),
           let target = unreachableNow.randomElement(using: &rng) {
            outputs.append(.send(syn, to: target))
        }
        // A seed too, if this round did not reach one or fewer nodes are live than there are seeds:
        // either all live nodes are seeds, or some node eventually gossips to a non-seed and then to
        // a seed, so partitions that each only know some of the seeds heal (Cassandra's CASSANDRA-150).
        if !gossipedToSeed || liveNow.count < seeds.count, !seeds.isEmpty {
            let probability = liveNow.isEmpty ? 1 : Double(seeds.count) / Double(liveNow.count + unreachableNow.count)
            if Double.random(in: 0..<1, using: &rng) <= probability, let seed = seeds.randomElement(using: &rng) {
                outputs.append(.send(syn, to: seed))
            }
        }

        checkStatus(now: now, into: &outputs)
        return outputs
    }

    /// One digest per known node, in address order.
    /// Restored endpoints (generation 0) are left out: this node has heard nothing of them in
    /// this process, so it neither claims their state nor hands it on.
    func digests() -> [GossipDigest] {
        endpointStates.sorted { $0.key < $1.key }.filter { !$0.value.isRestored }.map {
            GossipDigest(endpoint: $0.key, generation: $0.value.heartbeat.generation, maxVersion: $0.value.maxVersion)
        }
    }

    private mutating func checkStatus(now: MonotonicTime, into outputs: inout [GossipOutput]) {
        switch failureDetector.interpret(at: now) {
        case let .localPause(gap):
            outputs.append(.localPause(gap))
        case let .assessed(convicted):
            for endpoint in convicted where live.remove(endpoint) != nil {
                outputs.append(.dead(endpoint))
            }
        }
        for (endpoint, deadline) in removalDeadlines.sorted(by: { $0.key < $1.key }) where deadline <= now {
            let generation = endpointStates[endpoint]?.heartbeat.generation ?? 0
            endpointStates[endpoint] = nil
            live.remove(endpoint)
            failureDetector.remove(endpoint)
            removalDeadlines[endpoint] = nil
            removedEndpoints[endpoint] = (generation, now + configuration.removedEndpointRetention)
            outputs.append(.removed(endpoint))
        }
        removedEndpoints = removedEndpoints.filter { $0.value.forgetAt > now }
    }
}
