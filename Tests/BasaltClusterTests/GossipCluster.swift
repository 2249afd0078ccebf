import BasaltCore
import BasaltSimulation
@testable import BasaltCluster

/// Gossipers alone on the whole-cluster simulator (`BasaltSimulation`): nodes 127.0.0.x whose
/// gossipers run on one seeded simulation and its network, with the application states a real
/// node announces (re-announced after a restart, with a new generation). Everything runs inside
/// `drive`; `run(for:)` lets virtual time pass. The same seed replays the same run event for event.
final class GossipCluster: @unchecked Sendable {
    struct Configuration {
        var nodeCount = 5
        /// Octets (127.0.0.x) of the seed nodes.
        var seeds: [Int] = [1, 2]
        var clusterName = "Test"
        var messageDelay: ClosedRange<Duration> = .milliseconds(1) ... .milliseconds(50)
        var lossProbability = 0.0
        var gossip = GossipConfiguration(quarantineDelay: .seconds(30), removedEndpointRetention: .seconds(600))
    }

    private struct Member {
        var clusterName: String
        var seeds: [NodeAddress]
        /// Application states set on the node, in order, re-set after every restart.
        var announced: [(ApplicationStateKey, String)] = []
    }

    let seed: UInt64
    let configuration: Configuration
    let simulation: Simulation
    let network: SimulatedNetwork
    let gossip: SimulatedGossip
    private var members: [NodeAddress: Member] = [:]

    init(seed: UInt64, configuration: Configuration = Configuration()) {
        self.seed = seed
        self.configuration = configuration
        simulation = Simulation(seed: seed)
        network = SimulatedNetwork(simulation: simulation, delay: configuration.messageDelay)
        network.setLoss(configuration.lossProbability)
        gossip = SimulatedGossip(simulation: simulation, network: network)
        for octet in 1...configuration.nodeCount {
            addNode(octet, clusterName: configuration.clusterName, seeds: configuration.seeds)
        }
    }

    /// Runs `scenario` on the simulation; gossip stops when it ends.
    func drive(_ scenario: @escaping @Sendable () async throws -> Void) async throws {
        try await simulation.drive { [gossip] in
            defer { gossip.stop() }
            try await scenario()
        }
    }

    var addresses: [NodeAddress] { members.keys.sorted() }
    var now: MonotonicTime { gossip.now }

    /// Starts a node process now, announcing what a node announces.
    func addNode(_ octet: Int, clusterName: String, seeds: [Int]) {
        let address = node(octet)
        members[address] = Member(clusterName: clusterName, seeds: seeds.map(node))
        start(address)
        for (key, value) in Self.standardStates(octet) { announce(address, key, value) }
    }

    static func standardStates(_ octet: Int) -> [(ApplicationStateKey, String)] {
        let tokens = (0..<4).map { Int64(octet) * 1_000 + Int64($0) }
        return [
            (.dataCenter, "dc1"), (.rack, "r\(octet % 3)"), (.hostID, "00000000-0000-0000-0000-\(String(octet).leftPad(12))"),
            (.nativeAddress, "127.0.0.\(octet):9042"), (.schema, "59adb24e-f3cd-3e02-97f0-5b395827453f"),
            (.releaseVersion, "4.1.0"), (.tokens, NodeStatus.tokensValue(tokens)), (.status, NodeStatus.normal(tokens: tokens).description),
            (.load, "0"),
        ]
    }

    private func start(_ address: NodeAddress) {
        let member = members[address]!
        var gossiper = Gossiper(local: address, generation: gossip.generation(for: address), seeds: member.seeds,
                                clusterName: member.clusterName, configuration: configuration.gossip)
        for (key, value) in member.announced { gossiper.setLocalState(key, value) }
        gossip.start(address, host: LockedGossiper(gossiper))
    }

    /// Sets an application state on a running node (and re-sets it after restarts).
    func announce(_ address: NodeAddress, _ key: ApplicationStateKey, _ value: String) {
        members[address]!.announced.removeAll { $0.0 == key }
        members[address]!.announced.append((key, value))
        _ = gossip.host(of: address)?.withGossiper { gossiper in
            gossiper.setLocalState(key, value)
            return []
        }
    }

    func kill(_ address: NodeAddress) { gossip.kill(address) }
    func shutDown(_ address: NodeAddress) { gossip.shutDown(address) }
    func pause(_ address: NodeAddress, for duration: Duration) { gossip.pause(address, for: duration) }

    /// A new process at the same address: a new generation, the same announced states.
    func restart(_ address: NodeAddress) {
        precondition(gossip.host(of: address) == nil, "restart of a running node")
        start(address)
    }

    /// A copy of the running node's gossiper (nil while the process is dead).
    func gossiper(_ address: NodeAddress) -> Gossiper? { gossip.host(of: address)?.read { $0 } }

    func partition(_ groups: [[NodeAddress]]) { network.partition(groups) }
    func healPartition() { network.heal() }

    // MARK: running

    func run(for duration: Duration) async throws { try await simulation.sleep(for: duration) }

    /// Lets time pass until `condition` holds (checked every 10 ms of virtual time) or `limit`
    /// passes; returns the time it took, or nil.
    func run(upTo limit: Duration, until condition: (GossipCluster) -> Bool) async throws -> Duration? {
        let start = now
        while now - start <= limit {
            if condition(self) { return now - start }
            try await simulation.sleep(for: .milliseconds(10))
        }
        return nil
    }

    func converged(_ group: [NodeAddress]) -> Bool { gossip.converged(group) }

    func events(of address: NodeAddress, since: MonotonicTime = .zero) -> [GossipOutput] { gossip.events(of: address, since: since) }
}

extension String {
    func leftPad(_ width: Int) -> String { String(repeating: "0", count: max(width - count, 0)) + self }
}
