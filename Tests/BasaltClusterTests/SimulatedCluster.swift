import BasaltCore
@testable import BasaltCluster

/// A deterministic cluster of gossipers in one process: a simulated clock, one seeded SplitMix64
/// for everything random (tick phases, gossip peer choice, message delay and loss), a network that
/// delays, drops and partitions, and nodes that can be killed, restarted with a new generation or
/// paused like a SIGSTOPped process. Every message goes through the binary codec. The same seed
/// replays the same run event for event.
///
/// Events happen in time order; at equal times ticks come before deliveries, and deliveries in
/// send order.
struct SimulatedCluster {
    struct Configuration {
        var nodeCount = 5
        /// Octets (127.0.0.x) of the seed nodes.
        var seeds: [Int] = [1, 2]
        var clusterName = "Test"
        var messageDelay: ClosedRange<Double> = 0.001...0.050
        var lossProbability = 0.0
        var gossip = GossipConfiguration(quarantineDelay: .seconds(30), removedEndpointRetention: .seconds(600))
    }

    struct Node {
        var address: NodeAddress
        var clusterName: String
        var seeds: [NodeAddress]
        /// nil while the process is dead.
        var gossiper: Gossiper?
        var nextTick: MonotonicTime
        /// While set, the process neither ticks nor reads; messages wait in `held`.
        var pausedUntil: MonotonicTime?
        var held: [Envelope] = []
        /// Application states re-announced after a restart.
        var announced: [(ApplicationStateKey, String)] = []
        /// Every membership event (all outputs except sends), with when it happened.
        var events: [(time: MonotonicTime, output: GossipOutput)] = []
    }

    struct Envelope {
        var deliverAt: MonotonicTime
        var sequence: Int
        var from: NodeAddress
        var to: NodeAddress
        var bytes: [UInt8]
    }

    static let epochSeconds: Int64 = 1_700_000_000

    let seed: UInt64
    var configuration: Configuration
    var now = MonotonicTime.zero
    var random: SplitMix64
    var nodes: [NodeAddress: Node] = [:]
    var inFlight: [Envelope] = []
    private var sequence = 0
    /// Groups that cannot reach each other; empty when the network is whole.
    var partition: [Set<NodeAddress>] = []

    init(seed: UInt64, configuration: Configuration = Configuration()) {
        self.seed = seed
        self.configuration = configuration
        random = SplitMix64(seed: seed)
        for octet in 1...configuration.nodeCount {
            addNode(octet, clusterName: configuration.clusterName, seeds: configuration.seeds)
        }
    }

    var addresses: [NodeAddress] { nodes.keys.sorted() }

    /// Starts a node process at `now` (tick phase random within the first second).
    mutating func addNode(_ octet: Int, clusterName: String, seeds: [Int]) {
        let address = node(octet)
        nodes[address] = Node(address: address, clusterName: clusterName, seeds: seeds.map(node), gossiper: nil, nextTick: now)
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

    private mutating func start(_ address: NodeAddress) {
        let generation = Self.epochSeconds + now.nanoseconds / 1_000_000_000
        let entry = nodes[address]!
        nodes[address]!.gossiper = Gossiper(local: address, generation: generation, seeds: entry.seeds,
                                            clusterName: entry.clusterName, configuration: configuration.gossip)
        nodes[address]!.nextTick = now + .nanoseconds(Int64.random(in: 0..<1_000_000_000, using: &random))
        nodes[address]!.pausedUntil = nil
        nodes[address]!.held = []
    }

    /// Sets an application state on a running node (and re-sets it after restarts).
    mutating func announce(_ address: NodeAddress, _ key: ApplicationStateKey, _ value: String) {
        nodes[address]!.announced.removeAll { $0.0 == key }
        nodes[address]!.announced.append((key, value))
        nodes[address]!.gossiper?.setLocalState(key, value)
    }

    mutating func kill(_ address: NodeAddress) {
        nodes[address]!.gossiper = nil
        nodes[address]!.held = []
    }

    /// A graceful stop: the node announces SHUTDOWN to its live peers, its last messages leave, and
    /// the process ends.
    mutating func shutDown(_ address: NodeAddress) {
        let outputs = nodes[address]!.gossiper!.announceShutdown()
        handle(outputs, from: address)
        kill(address)
    }

    /// A new process at the same address: a new generation, the same announced states.
    mutating func restart(_ address: NodeAddress) {
        precondition(nodes[address]!.gossiper == nil, "restart of a running node")
        start(address)
        for (key, value) in nodes[address]!.announced { nodes[address]!.gossiper!.setLocalState(key, value) }
    }

    mutating func pause(_ address: NodeAddress, for duration: Duration) {
        nodes[address]!.pausedUntil = now + duration
    }

    private func reachable(_ from: NodeAddress, _ to: NodeAddress) -> Bool {
        partition.isEmpty || partition.contains { $0.contains(from) && $0.contains(to) }
    }

    // MARK: running

    mutating func run(for duration: Duration) {
        run(until: now + duration)
    }

    /// Runs events up to `deadline` (inclusive) and leaves the clock there.
    mutating func run(until deadline: MonotonicTime) {
        while let next = nextEventTime(), next <= deadline { step() }
        now = max(now, deadline)
    }

    /// Runs until `condition` holds (checked after every event) or `limit` passes; returns the
    /// time it took, or nil.
    mutating func run(upTo limit: Duration, until condition: (SimulatedCluster) -> Bool) -> Duration? {
        let start = now
        let deadline = now + limit
        if condition(self) { return .zero }
        while let next = nextEventTime(), next <= deadline {
            step()
            if condition(self) { return now - start }
        }
        now = deadline
        return nil
    }

    private func nextTick() -> (MonotonicTime, NodeAddress)? {
        var best: (MonotonicTime, NodeAddress)?
        for (address, entry) in nodes where entry.gossiper != nil {
            let time = max(entry.nextTick, entry.pausedUntil ?? entry.nextTick)
            if best == nil || (time, address) < best! { best = (time, address) }
        }
        return best
    }

    private func nextDelivery() -> Int? {
        inFlight.indices.min { (inFlight[$0].deliverAt, inFlight[$0].sequence) < (inFlight[$1].deliverAt, inFlight[$1].sequence) }
    }

    private func nextEventTime() -> MonotonicTime? {
        let tick = nextTick()?.0
        let delivery = nextDelivery().map { inFlight[$0].deliverAt }
        switch (tick, delivery) {
        case let (tick?, delivery?): return min(tick, delivery)
        case let (tick?, nil): return tick
        case let (nil, delivery?): return delivery
        case (nil, nil): return nil
        }
    }

    private mutating func step() {
        let tick = nextTick()
        let deliveryIndex = nextDelivery()
        if let (time, address) = tick, deliveryIndex == nil || time <= inFlight[deliveryIndex!].deliverAt {
            now = max(now, time)
            resumeIfDue(address)
            let outputs = nodes[address]!.gossiper!.tick(now: now, rng: &random)
            nodes[address]!.nextTick = now + .seconds(1)
            handle(outputs, from: address)
            // A resumed process reads what arrived while it was stopped right after its first tick.
            let held = nodes[address]!.held
            nodes[address]!.held = []
            for envelope in held { deliver(envelope) }
        } else if let index = deliveryIndex {
            let envelope = inFlight.remove(at: index)
            now = max(now, envelope.deliverAt)
            deliver(envelope)
        }
    }

    private mutating func resumeIfDue(_ address: NodeAddress) {
        if let until = nodes[address]!.pausedUntil, until <= now { nodes[address]!.pausedUntil = nil }
    }

    private mutating func deliver(_ envelope: Envelope) {
        guard nodes[envelope.to]?.gossiper != nil, reachable(envelope.from, envelope.to) else { return }
        if let until = nodes[envelope.to]!.pausedUntil, until > now {
            nodes[envelope.to]!.held.append(envelope)
            return
        }
        let message: GossipMessage
        do {
            message = try GossipMessage(decoding: envelope.bytes)
        } catch {
            preconditionFailure("seed \(seed): a gossiper sent undecodable bytes: \(error)")
        }
        let outputs = nodes[envelope.to]!.gossiper!.receive(message, from: envelope.from, now: now)
        handle(outputs, from: envelope.to)
    }

    private mutating func handle(_ outputs: [GossipOutput], from address: NodeAddress) {
        for output in outputs {
            guard case let .send(message, to) = output else {
                nodes[address]!.events.append((now, output))
                continue
            }
            if Double.random(in: 0..<1, using: &random) < configuration.lossProbability { continue }
            let delay = Double.random(in: configuration.messageDelay, using: &random)
            sequence += 1
            inFlight.append(Envelope(deliverAt: now + .nanoseconds(Int64(delay * 1e9)), sequence: sequence,
                                     from: address, to: to, bytes: message.encoded()))
        }
    }

    // MARK: checks

    /// What a node believes about every node: generation and application states (heartbeats move
    /// all the time, so they are left out).
    func view(of address: NodeAddress) -> [NodeAddress: (Int64, [ApplicationStateKey: String])]? {
        guard let gossiper = nodes[address]?.gossiper else { return nil }
        var view: [NodeAddress: (Int64, [ApplicationStateKey: String])] = [:]
        for endpoint in gossiper.knownEndpoints {
            let state = gossiper.state(of: endpoint)!
            view[endpoint] = (state.heartbeat.generation, state.applicationStates.mapValues(\.value))
        }
        return view
    }

    /// Every node in `group` knows exactly the nodes of `group`, with identical states, and
    /// considers all of them alive.
    func converged(_ group: [NodeAddress]) -> Bool {
        guard let reference = view(of: group[0]), Set(reference.keys) == Set(group) else { return false }
        for address in group {
            guard let gossiper = nodes[address]?.gossiper, let view = view(of: address), Set(view.keys) == Set(group) else { return false }
            for (endpoint, entry) in view where entry.0 != reference[endpoint]!.0 || entry.1 != reference[endpoint]!.1 { return false }
            if gossiper.liveMembers != group.filter({ $0 != address }) { return false }
        }
        return true
    }

    func events(of address: NodeAddress, since: MonotonicTime = .zero) -> [GossipOutput] {
        nodes[address]!.events.filter { $0.time >= since }.map(\.output)
    }
}

extension String {
    func leftPad(_ width: Int) -> String { String(repeating: "0", count: max(width - count, 0)) + self }
}
