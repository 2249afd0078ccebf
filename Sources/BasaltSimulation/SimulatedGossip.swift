import BasaltCluster
import BasaltCore
import Foundation

/// The gossip of a simulated cluster: every node process's real `Gossiper` (with its phi-accrual
/// failure detector) ticking once a second on the simulation's virtual clock, its SYN, ACK and ACK2
/// messages encoded with the binary codec and carried by the simulation's one `SimulatedNetwork`.
/// A process can be killed (its rounds stop, messages to it are lost), paused like a SIGSTOPped
/// process (no rounds; messages wait and are read right after its first round once it resumes),
/// stopped gracefully (SHUTDOWN announced first) and started again with a new generation. Every
/// membership event a gossiper reports is kept per node with its time and recorded in the
/// network's log.
public final class SimulatedGossip: @unchecked Sendable {
    /// 1 Jan 2024 in seconds: generations are seconds since the epoch, as a real node's are.
    public static let epochSeconds: Int64 = 1_700_000_000

    private struct Process {
        var host: any GossipHost
        /// Tells this process from a later one at the same address (a restart).
        var incarnation: Int
        var rounds: Task<Void, Never>?
        /// While set, the process neither gossips nor reads; messages wait in `held`.
        var pausedUntil: MonotonicTime?
        var held: [(from: NodeAddress, bytes: [UInt8])] = []
    }

    private let simulation: Simulation
    private let network: SimulatedNetwork
    private let lock = NSLock()
    private var random: SplitMix64
    private var processes: [NodeAddress: Process] = [:]
    private var incarnations = 0
    private var lastGeneration: [NodeAddress: Int64] = [:]
    private var membership: [NodeAddress: [(time: MonotonicTime, output: GossipOutput)]] = [:]
    private var messages = 0

    public init(simulation: Simulation, network: SimulatedNetwork) {
        self.simulation = simulation
        self.network = network
        random = SplitMix64(seed: simulation.seed ^ 0x6055_1900)
    }

    public var now: MonotonicTime { simulation.clock.monotonicNow }

    /// A generation for a process starting now at `address`: seconds since the epoch, and larger
    /// than any earlier one of the address even when it restarts within the same second.
    public func generation(for address: NodeAddress) -> Int64 {
        lock.withLock {
            let generation = max(Self.epochSeconds + now.nanoseconds / 1_000_000_000, (lastGeneration[address] ?? 0) + 1)
            lastGeneration[address] = generation
            return generation
        }
    }

    /// Starts gossiping for the process at `address` whose gossiper `host` holds, replacing any
    /// earlier process there. Its first round comes at a seeded moment within the first second.
    /// `everyRound` runs just before each round, as a node's gossip loop does its own chores
    /// (gossiping its schema version, pulling a schema that differs).
    public func start(_ address: NodeAddress, host: any GossipHost, everyRound: (@Sendable () -> Void)? = nil) {
        let (incarnation, phase) = lock.withLock { () -> (Int, Duration) in
            processes[address]?.rounds?.cancel()
            incarnations += 1
            processes[address] = Process(host: host, incarnation: incarnations)
            return (incarnations, .nanoseconds(Int64(random.next() % 1_000_000_000)))
        }
        let rounds = simulation.spawn { [self] in
            guard (try? await simulation.sleep(for: phase)) != nil else { return }
            while let host = current(address, incarnation) {
                if let until = lock.withLock({ processes[address]?.pausedUntil }), until > now {
                    guard (try? await simulation.sleep(for: until - now)) != nil else { return }
                    continue
                }
                everyRound?()
                let outputs = host.withGossiper { [self] gossiper in
                    lock.withLock { gossiper.tick(now: now, rng: &random) }
                }
                handle(outputs, from: address)
                // A resumed process reads what arrived while it was stopped right after its first round.
                let held = lock.withLock { () -> [(from: NodeAddress, bytes: [UInt8])] in
                    processes[address]?.pausedUntil = nil
                    defer { processes[address]?.held = [] }
                    return processes[address]?.held ?? []
                }
                for message in held { receive(message.bytes, from: message.from, at: address, incarnation: incarnation) }
                guard (try? await simulation.sleep(for: .seconds(1))) != nil else { return }
            }
        }
        lock.withLock {
            if processes[address]?.incarnation == incarnation { processes[address]?.rounds = rounds } else { rounds.cancel() }
        }
    }

    /// The process at `address` is gone: no more rounds, messages to it are lost.
    public func kill(_ address: NodeAddress) {
        lock.withLock { processes.removeValue(forKey: address)?.rounds?.cancel() }
    }

    /// A graceful stop: the node announces SHUTDOWN to its live peers, those messages leave, and
    /// the process ends.
    public func shutDown(_ address: NodeAddress) {
        guard let host = lock.withLock({ processes[address]?.host }) else { return }
        handle(host.withGossiper { $0.announceShutdown() }, from: address)
        kill(address)
    }

    /// Stops the process at `address` for `duration` (SIGSTOP, then SIGCONT).
    public func pause(_ address: NodeAddress, for duration: Duration) {
        let until = now + duration
        lock.withLock { processes[address]?.pausedUntil = until }
        network.record("\(address.host) paused until \(until)")
    }

    /// When the paused process at `address` resumes; nil when it is not paused.
    public func pausedUntil(_ address: NodeAddress) -> MonotonicTime? {
        lock.withLock { processes[address]?.pausedUntil.flatMap { $0 > now ? $0 : nil } }
    }

    /// Ends every process's rounds (the end of a run: a simulation runs until nothing is left).
    public func stop() {
        lock.withLock {
            for process in processes.values { process.rounds?.cancel() }
            processes = [:]
        }
    }

    /// The gossiper of the running process at `address`, if any.
    public func host(of address: NodeAddress) -> (any GossipHost)? { lock.withLock { processes[address]?.host } }

    /// Every membership event (all outputs except sends) a node's gossipers reported since `since`.
    public func events(of address: NodeAddress, since: MonotonicTime = .zero) -> [GossipOutput] {
        lock.withLock { (membership[address] ?? []).filter { $0.time >= since }.map(\.output) }
    }

    /// Gossip messages sent so far.
    public var messagesSent: Int { lock.withLock { messages } }

    // MARK: checks

    /// What a running node believes about every node: generation and application states
    /// (heartbeats move all the time, so they are left out).
    public func view(of address: NodeAddress) -> [NodeAddress: (Int64, [ApplicationStateKey: String])]? {
        host(of: address)?.read { gossiper in
            var view: [NodeAddress: (Int64, [ApplicationStateKey: String])] = [:]
            for endpoint in gossiper.knownEndpoints {
                let state = gossiper.state(of: endpoint)!
                view[endpoint] = (state.heartbeat.generation, state.applicationStates.mapValues(\.value))
            }
            return view
        }
    }

    /// Every node in `group` knows exactly the nodes of `group`, with identical states, and
    /// considers all of them alive.
    public func converged(_ group: [NodeAddress]) -> Bool {
        guard let reference = view(of: group[0]), Set(reference.keys) == Set(group) else { return false }
        for address in group {
            guard let host = host(of: address), let view = view(of: address), Set(view.keys) == Set(group) else { return false }
            for (endpoint, entry) in view where entry.0 != reference[endpoint]!.0 || entry.1 != reference[endpoint]!.1 { return false }
            if host.read({ $0.liveMembers }) != group.filter({ $0 != address }) { return false }
        }
        return true
    }

    // MARK: the network

    private func current(_ address: NodeAddress, _ incarnation: Int) -> (any GossipHost)? {
        lock.withLock { processes[address].flatMap { $0.incarnation == incarnation ? $0.host : nil } }
    }

    private func handle(_ outputs: [GossipOutput], from address: NodeAddress) {
        for output in outputs {
            guard case let .send(message, to) = output else {
                lock.withLock { membership[address, default: []].append((now, output)) }
                network.record("\(address.host) gossip: \(Self.describe(output))")
                continue
            }
            lock.withLock { messages += 1 }
            let fate = network.fate()
            if fate.lostThere { continue }
            let bytes = message.encoded()
            for delay in [fate.there] + (fate.again.map { [fate.there + $0] } ?? []) {
                simulation.spawn { [self] in
                    guard (try? await simulation.sleep(for: delay)) != nil, !network.isCut(from: address, to: to) else { return }
                    guard let incarnation = lock.withLock({ processes[to]?.incarnation }) else { return }
                    receive(bytes, from: address, at: to, incarnation: incarnation)
                }
            }
        }
    }

    private func receive(_ bytes: [UInt8], from sender: NodeAddress, at address: NodeAddress, incarnation: Int) {
        let held = lock.withLock { () -> Bool in
            guard let until = processes[address]?.pausedUntil, until > now else { return false }
            processes[address]?.held.append((sender, bytes))
            return true
        }
        guard !held, let host = current(address, incarnation) else { return }
        let message: GossipMessage
        do {
            message = try GossipMessage(decoding: bytes)
        } catch {
            preconditionFailure("seed \(simulation.seed): a gossiper sent undecodable bytes: \(error)")
        }
        handle(host.withGossiper { $0.receive(message, from: sender, now: now) }, from: address)
    }

    /// A membership event for the log: addresses by host, states left out (they hold every
    /// application state).
    private static func describe(_ output: GossipOutput) -> String {
        switch output {
        case .joined(let node, _): "joined \(node.host)"
        case .restarted(let node, let state): "restarted \(node.host) generation \(state.heartbeat.generation)"
        case .alive(let node): "alive \(node.host)"
        case .dead(let node): "convicted \(node.host)"
        case .changed(let node, let key, let value): "\(node.host) \(key) = \(value)"
        case .removed(let node): "removed \(node.host)"
        case .ignored(let from, let reason): "ignored \(from.host): \(reason)"
        case .localPause(let duration): "paused for \(duration)"
        case .send(_, let to): "send to \(to.host)"
        }
    }
}

extension SimulatedClock {
    /// The virtual time as the cluster layer's monotonic time.
    public var monotonicNow: MonotonicTime {
        let (seconds, attoseconds) = now.offset.components
        return MonotonicTime(nanoseconds: seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
