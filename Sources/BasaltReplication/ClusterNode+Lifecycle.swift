import BasaltCluster
import BasaltCore
import BasaltInternode
import BasaltQuery
import Foundation

/// Topology changes with streaming: bootstrap (a new node streams the ranges it takes over before
/// it serves), replace (a new node takes a dead node's tokens), decommission (this node hands its
/// ranges to their new owners and leaves) and removenode (the ranges of a dead node get their
/// replicas back from the survivors). Which ranges move and where from is `PendingRanges`;
/// coordinators write to the pending replicas while data moves (`WritePlan`). One change at a time
/// in the cluster: a node refuses to start one while gossip shows another.
extension ClusterNode {
    // MARK: joining with data

    /// A first start streams when it joins a running cluster that has user keyspaces (a fresh
    /// cluster starting together has nothing to stream, and must not wait the ring delay), and
    /// always when it replaces a node.
    func needsBootstrap() async throws -> Bool {
        if configuration.replaceAddress != nil { return true }
        guard configuration.seeds.contains(where: { $0 != configuration.listenAddress }),
              !state.tokenRing.isEmpty else { return false }
        try await catchUpSchema()
        return !catalog.userKeyspaces.isEmpty
    }

    /// BOOT with the tokens, a ring delay so that every coordinator writes to this node too, then
    /// every range the tokens bring streamed from its current replicas. Throws, leaving the
    /// identity's bootstrap pending (the next start does it all again), if another topology change
    /// is running or a range has no live source.
    func bootstrap(tokens: [Int64]) async throws {
        if let change = topologyChange(excludingJoinsAfterThisNode: false) {
            throw LifecycleError.refused("cannot bootstrap while \(change); start this node again once it is done")
        }
        state.setLocalState(.tokens, NodeStatus.tokensValue(tokens))
        state.setLocalState(.status, NodeStatus.bootstrapping(tokens: tokens).description)
        logger.info("bootstrapping: announced BOOT, waiting for the ring to settle",
                    metadata: ["tokens": "\(tokens.count)", "ring_delay": "\(configuration.ringDelay)"])
        try await Task.sleep(for: configuration.ringDelay)
        // Two nodes that announced BOOT at about the same time: the one that started first goes on.
        if let change = topologyChange(excludingJoinsAfterThisNode: true) {
            throw LifecycleError.refused("cannot bootstrap while \(change); start this node again once it is done")
        }
        try await catchUpSchema()
        // A replacement streams from the survivors: the node it replaces is dead, whatever this
        // node's young failure detector believes, and ranges only it held are lost with it.
        let replaced = replacedNodes(tokens: tokens)
        let items = try transferItems(skippingLost: !replaced.isEmpty, excluding: replaced)
            .filter { $0.destination == configuration.listenAddress }.flatMap(\.items)
        let started = Self.now()
        let summary = try await streamer.fetch(items)
        let seconds = max(Double(Self.now().nanoseconds - started.nanoseconds) / 1e9, 1e-9)
        logger.info("bootstrap streamed", metadata: [
            "ranges": "\(items.count)", "partitions": "\(summary.partitions)", "rows": "\(summary.rows)",
            "bytes": "\(summary.bytes)", "seconds": "\(String(format: "%.2f", seconds))",
            "mb_per_second": "\(String(format: "%.1f", Double(summary.bytes) / seconds / 1e6))",
            "rows_per_second": "\(Int(Double(summary.rows) / seconds))",
        ])
    }

    /// `replace_address_first_boot`: the dead node's tokens, once gossip has brought them. Refused
    /// if that node is not in the ring or still answers.
    func tokensToReplace(_ address: NodeAddress) async throws -> [Int64] {
        state.setLocalState(.status, NodeStatus.bootstrapping(tokens: []).description)
        let deadline = Self.now() + configuration.ringDelay
        while state.tokenRing.location(of: address) == nil, Self.now() < deadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        let tokens = state.tokenRing.tokens(of: address)
        guard !tokens.isEmpty else {
            throw LifecycleError.refused("replace_address_first_boot: \(address) is not a member of the ring")
        }
        if (try? await messenger.request(.echo, payload: [], to: address, timeout: .seconds(2))) != nil {
            throw LifecycleError.refused("replace_address_first_boot: \(address) is alive; only a dead node can be replaced")
        }
        logger.info("replacing a dead node", metadata: ["replaced": "\(address)", "tokens": "\(tokens.count)"])
        return tokens
    }

    /// After a replacement has streamed: the node it replaced is LEFT, said on its behalf, so it
    /// leaves the ring and `system.peers` everywhere.
    func retireReplacedNodes(tokens: [Int64]) {
        let ring = state.tokenRing
        for node in replacedNodes(tokens: tokens) {
            state.setStatus(.left(tokens: ring.tokens(of: node)), onBehalfOf: node)
            logger.info("replaced node retired", metadata: ["replaced": "\(node)"])
        }
    }

    /// Ring members every one of whose tokens this node takes: the node it replaces.
    func replacedNodes(tokens: [Int64]) -> Set<NodeAddress> {
        let ring = state.tokenRing
        let claimed = Set(tokens)
        return Set(ring.nodes.filter { $0 != configuration.listenAddress && Set(ring.tokens(of: $0)).isSubset(of: claimed) })
    }

    // MARK: leaving

    /// Takes this node out of the ring: refuses if a data center would keep fewer nodes than a
    /// keyspace's replication factor there, or another change is running; then LEAVING, a ring
    /// delay, each range streamed to its new owner (which pulls it from here), hints delivered,
    /// and LEFT pushed to every live peer. The caller then stops the process
    /// (`stopProcessAfterLeaving`). A failed hand-over puts the node back to NORMAL.
    public func decommission() async throws -> StreamSummary {
        try beginChange("decommission")
        defer { endChange() }
        guard case .normal(let tokens)? = state.state(of: configuration.listenAddress)?[.status].flatMap(NodeStatus.init) else {
            throw LifecycleError.refused("this node is not a NORMAL member of the ring")
        }
        if let change = topologyChange(excludingJoinsAfterThisNode: false) {
            throw LifecycleError.refused("cannot decommission while \(change)")
        }
        try checkReplicationFactors(without: configuration.listenAddress)
        state.setLocalState(.status, NodeStatus.leaving(tokens: tokens).description)
        logger.info("decommissioning: announced LEAVING, waiting for the ring to settle")
        let summary: StreamSummary
        do {
            try await Task.sleep(for: configuration.ringDelay)
            summary = try await handOver()
        } catch {
            state.setLocalState(.status, NodeStatus.normal(tokens: tokens).description)
            logger.error("decommission failed; back to NORMAL", metadata: ["error": "\(error)"])
            throw error
        }
        if configuration.hintedHandoffEnabled { await dispatcher.deliverPending() }
        identity.decommissioned = true
        try identity.save(directory: configuration.dataDirectory, fileSystem: engine.configuration.fileSystem)
        state.setLocalState(.status, NodeStatus.left(tokens: tokens).description)
        carryOut(state.withGossiper { $0.announceShutdown() })
        logger.info("decommissioned: LEFT the ring", metadata: ["moved": "\(summary)", "hints_left": "\(hints.statistics.stored)"])
        return summary
    }

    /// A decommissioned node's process ends as on SIGTERM (drain, flush, exit 0), after a moment
    /// for the caller's answer and the LEFT state to go out.
    public func stopProcessAfterLeaving() {
        Task.detached {
            try? await Task.sleep(for: .milliseconds(500))
            kill(getpid(), SIGTERM)
        }
    }

    /// removenode: for a dead node (refused if it is up, unknown, this node, or a data center would
    /// keep fewer nodes than a replication factor), REMOVING on its behalf, a ring delay, each of its
    /// ranges streamed to the node that takes it over from a surviving replica, then LEFT on its
    /// behalf, which removes it from every ring. A failed hand-over puts its state back.
    public func removeNode(hostID: UUID) async throws -> StreamSummary {
        try beginChange("removenode")
        defer { endChange() }
        guard let node = state.address(ofHost: hostID) else { throw LifecycleError.refused("no node has host id \(hostID)") }
        guard node != configuration.listenAddress else {
            throw LifecycleError.refused("\(node) is this node: use decommission to take it out")
        }
        guard !state.isAlive(node) else {
            throw LifecycleError.refused("\(node) is up: removenode is for a dead node (decommission a live one)")
        }
        let tokens = state.tokenRing.tokens(of: node)
        guard !tokens.isEmpty, let before = state.state(of: node)?[.status].flatMap(NodeStatus.init) else {
            throw LifecycleError.refused("\(node) is not a member of the ring")
        }
        if let change = topologyChange(excludingJoinsAfterThisNode: false) {
            throw LifecycleError.refused("cannot remove \(node) while \(change)")
        }
        try checkReplicationFactors(without: node)
        state.setStatus(.removing(tokens: tokens), onBehalfOf: node)
        logger.info("removing a dead node: announced REMOVING on its behalf", metadata: ["node": "\(node)", "host_id": "\(hostID)"])
        let summary: StreamSummary
        do {
            try await Task.sleep(for: configuration.ringDelay)
            summary = try await handOver(skippingLost: true)
        } catch {
            state.setStatus(before, onBehalfOf: node)
            logger.error("removenode failed; state put back", metadata: ["node": "\(node)", "error": "\(error)"])
            throw error
        }
        state.setStatus(.left(tokens: tokens), onBehalfOf: node)
        logger.info("removed a dead node: LEFT on its behalf", metadata: ["node": "\(node)", "moved": "\(summary)"])
        return summary
    }

    // MARK: the parts

    /// Every range a node gains in the change in progress, per destination, for every table of
    /// every user keyspace, streamed from live sources other than `excluded` (a replaced node,
    /// dead whatever gossip says yet). A gained range with no source throws — unless
    /// `skippingLost` (removenode, replace: a range whose only copies were on the dead node is gone
    /// with it, and the change goes on for the others, as Cassandra's removenode does, with a warning).
    func transferItems(skippingLost: Bool = false, excluding excluded: Set<NodeAddress> = [])
        throws -> [(destination: NodeAddress, items: [StreamFetchRequest.Item])] {
        var byDestination: [NodeAddress: [StreamFetchRequest.Item]] = [:]
        for keyspace in catalog.userKeyspaces {
            let tables = catalog.tables(in: keyspace.name)
            for var transfer in state.transfers(of: keyspace) {
                transfer.sources.removeAll { excluded.contains($0) }
                guard !transfer.sources.isEmpty else {
                    if skippingLost {
                        logger.warning("no live replica holds a range: its data is lost",
                                       metadata: ["keyspace": "\(keyspace.name)", "range": "\(transfer.range)"])
                        continue
                    }
                    throw LifecycleError.refused("no live replica holds range \(transfer.range) of keyspace \(keyspace.name)")
                }
                byDestination[transfer.destination, default: []] += tables.map {
                    StreamFetchRequest.Item(table: $0.id, range: transfer.range, sources: transfer.sources)
                }
            }
        }
        return byDestination.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// Has every destination pull what it gains (STREAM_FETCH; this node streams its own share
    /// itself), all destinations at once, and waits until all of it is stored.
    func handOver(skippingLost: Bool = false) async throws -> StreamSummary {
        let plan = try transferItems(skippingLost: skippingLost)
        logger.info("handing ranges over", metadata: [
            "destinations": "\(plan.map(\.destination))", "ranges": "\(plan.reduce(0) { $0 + $1.items.count })",
        ])
        return try await withThrowingTaskGroup(of: StreamSummary.self) { group in
            for (destination, items) in plan {
                group.addTask {
                    if destination == self.configuration.listenAddress { return try await self.streamer.fetch(items) }
                    let answer = try await self.messenger.request(.streamFetch, payload: StreamFetchRequest(items: items).encoded(),
                                                                  to: destination, timeout: .seconds(3600))
                    return try StreamSummary(decoding: answer)
                }
            }
            var total = StreamSummary()
            for try await summary in group { total = total + summary }
            return total
        }
    }

    /// Refuses to take `node` out when a data center would be left with fewer nodes than a
    /// keyspace's replication factor there (SimpleStrategy: the whole ring).
    func checkReplicationFactors(without node: NodeAddress) throws {
        var after = state.tokenRing
        let dataCenter = after.location(of: node)?.dataCenter
        after.remove(node)
        for keyspace in catalog.userKeyspaces {
            switch ClusterState.strategy(of: keyspace) {
            case .simple(let factor) where after.nodes.count < factor:
                throw LifecycleError.refused("keyspace \(keyspace.name) has replication factor \(factor), "
                    + "and only \(after.nodes.count) nodes would remain")
            case .networkTopology(let factors):
                guard let dataCenter, let factor = factors[dataCenter], factor > 0 else { continue }
                let remaining = after.nodes.filter { after.location(of: $0)?.dataCenter == dataCenter }.count
                if remaining < factor {
                    throw LifecycleError.refused("keyspace \(keyspace.name) has replication factor \(factor) in \(dataCenter), "
                        + "and only \(remaining) nodes would remain there")
                }
            default:
                continue
            }
        }
    }

    /// Another node's topology change gossip shows: a live node joining with tokens, a node
    /// leaving or being removed. With `excludingJoinsAfterThisNode`, joins that started after
    /// this node's (later generation, or same and higher address) do not count: of two nodes
    /// joining at once, the first goes on and the second refuses.
    func topologyChange(excludingJoinsAfterThisNode: Bool) -> String? {
        let local = configuration.listenAddress
        let ownGeneration = state.state(of: local)?.heartbeat.generation ?? 0
        for node in state.knownNodes where node != local {
            guard let endpoint = state.state(of: node), let status = endpoint[.status].flatMap(NodeStatus.init) else { continue }
            switch status {
            case .bootstrapping(let tokens) where !tokens.isEmpty && state.isAlive(node):
                let theirs = (endpoint.heartbeat.generation, node.description)
                if excludingJoinsAfterThisNode, theirs > (ownGeneration, local.description) { continue }
                return "\(node) is joining the ring"
            case .leaving: return "\(node) is leaving the ring"
            case .removing: return "\(node) is being removed from the ring"
            default: continue
            }
        }
        return nil
    }

    func beginChange(_ name: String) throws {
        try lock.withLock {
            if let running = runningChange { throw LifecycleError.refused("\(running) is already running on this node") }
            runningChange = name
        }
    }

    func endChange() { lock.withLock { runningChange = nil } }
}

/// A topology change refused before anything changed, or one that could not finish.
public enum LifecycleError: Error, Hashable, Sendable, CustomStringConvertible {
    case refused(String)

    public var description: String {
        switch self {
        case .refused(let reason): reason
        }
    }
}
