import BasaltCommitLog
import BasaltCoordination
import BasaltCore
import BasaltCQLProtocol
import BasaltQuery
import BasaltStorage
import Foundation
@testable import BasaltReplication

/// N nodes in one process, each with its own storage, catalog, replica service, hints and
/// coordinator, joined by an in-memory transport in which a node can be made down (convicted:
/// requests fail at once), refusing (dead but not yet convicted: it looks alive, requests fail at
/// once) or hung (requests never answer, so they time out). The ring gives node i the i-th of
/// N equal token ranges; replicas of a token are its owner and the next RF-1 nodes.
///
/// Given a `Simulation`, every node runs on its seeded executor and virtual clock, and the network
/// delays each message by a seeded 0.1–3 ms and loses it with `lossProbability` (a lost request or
/// answer times out; a lost answer's request was still applied). `log` records every delivery, so
/// two runs of one seed can be compared event for event.
/// N nodes in one process, each with its own storage, catalog, replica service, hints and
/// coordinator, joined by an in-memory transport in which a node can be made down (convicted:
/// requests fail at once), refusing (dead but not yet convicted: it looks alive, requests fail at
/// once) or hung (requests never answer, so they time out), can crash and restart (its storage is
/// closed and reopened from its files, replaying the commit log), and links can be cut one way or
/// both. The ring gives node i the i-th of N equal token ranges; replicas of a token are its owner
/// and the next RF-1 nodes.
///
/// Given a `Simulation`, every node runs on its seeded executor and virtual clock, and the network
/// delays each message by a seeded 0.1–3 ms, loses it with `lossProbability` (a lost request or
/// answer times out; a lost answer's request was still applied) and delivers it a second time,
/// later, with `duplicationProbability`. `log` records every delivery and fault, so two runs of
/// one seed can be compared event for event.
final class SimulatedCluster: @unchecked Sendable {
    final class Node: @unchecked Sendable {
        let address: NodeAddress
        let hostID: UUID
        let directory = "/tmp/basalt-sim-\(UUID().uuidString)"
        private let simulated: Bool
        // Replaced at every restart: what a process holds in memory.
        private(set) var engine: StorageEngine!
        private(set) var catalog: SchemaCatalog!
        private(set) var hints: HintStore!
        private(set) var service: ReplicaService!
        private(set) var processor: QueryProcessor!
        private(set) var dispatcher: HintDispatcher!
        private(set) var schemaSync: SchemaSync!
        let session = CQLSession()

        init(address: NodeAddress, simulated: Bool) {
            self.address = address
            self.simulated = simulated
            // Fixed per address, so that anything ordered by host id is the same in every run.
            hostID = UUID(uuidString: "00000000-0000-4000-8000-" + String(address.host.split(separator: ".").last!).leftPadded(12))!
        }

        /// Opens storage from the node's directory (replaying its commit log, as a start does) and
        /// builds the services on it.
        func open(in cluster: SimulatedCluster) throws {
            // Periodic sync acknowledges a write when it is applied, on the writer's own task: in
            // group mode the commit log's sync thread would resume writers from outside the
            // simulation, at moments no seed controls.
            // Small segments: a test writes little, and every node preallocates one.
            let commitLog = CommitLogConfiguration(syncMode: simulated ? .periodic(intervalMilliseconds: 1_000) : .defaultGroup,
                                                   segmentSize: 1 << 20)
            engine = try StorageEngine(configuration: StorageConfiguration(directory: directory, commitLog: commitLog))
            hints = try HintStore(engine: engine)
            catalog = try SchemaCatalog.open(engine: engine)
            try hints.loadPendingSizes()
            service = ReplicaService(engine: engine, catalog: catalog)
            let view = View(cluster: cluster, local: address)
            let transport = Transport(cluster: cluster, from: address)
            let timeouts = { var t = ClusterStorageProxy.Timeouts(); t.write = .milliseconds(300); t.read = .milliseconds(300); return t }()
            let proxy = ClusterStorageProxy(view: view, transport: transport, service: service, hints: hints,
                                            catalog: catalog, engine: engine, timeouts: timeouts, runtime: cluster.runtime)
            processor = QueryProcessor(engine: engine, catalog: catalog, node: NodeIdentity(), events: nil, proxy: proxy)
            dispatcher = HintDispatcher(hints: hints, view: view, transport: transport)
            schemaSync = SchemaSync(catalog: catalog, view: view, transport: transport, events: nil)
        }

        /// Closes storage as a killed process leaves it: memtables are not flushed, so the next
        /// `open` rebuilds them from the commit log.
        func close() { try? engine?.close() }

        /// Closes storage, drops the services (they refer back to the cluster, so they would keep
        /// every node and its open files alive) and deletes the files.
        func remove() {
            close()
            (engine, catalog, hints, service, processor, dispatcher, schemaSync) = (nil, nil, nil, nil, nil, nil, nil)
            try? FileManager.default.removeItem(atPath: directory)
        }

        func run(_ query: String, _ consistency: CQLConsistency = .one, pageSize: Int32? = nil) async -> CQLResponse {
            let parameters = CQLQueryParameters(consistency: consistency, pageSize: pageSize)
            return await processor.handle(.query(CQLQuery(query: query, parameters: parameters)), session: session)
        }
    }

    /// `crashed`: the process is gone (storage closed) and peers have convicted it.
    enum State { case up, down, refusing, hung, crashed }

    /// A directed link between two nodes.
    private struct Link: Hashable { var from: NodeAddress, to: NodeAddress }

    let nodes: [Node]
    let simulation: Simulation?
    let runtime: NodeRuntime
    private let lock = NSLock()
    private var states: [NodeAddress: State] = [:]
    private var delivered: [NodeAddress: [ReplicaVerb: Int]] = [:]
    private var random: SplitMix64
    private var lossProbability = 0.0
    private var duplicationProbability = 0.0
    private var cuts: Set<Link> = []
    private var misreportedFactor: Int?
    private var events: [String] = []

    init(size: Int, simulation: Simulation? = nil) throws {
        self.simulation = simulation
        runtime = simulation?.runtime ?? NodeRuntime()
        random = SplitMix64(seed: simulation?.seed ?? 0)
        nodes = (1...size).map { Node(address: NodeAddress(host: "127.0.0.\($0)"), simulated: simulation != nil) }
        do {
            for node in nodes { try node.open(in: self) }
        } catch {
            remove()
            throw error
        }
    }

    /// A deliberately broken coordinator, for showing that the checkers catch one: every node's
    /// coordinator believes keyspaces have this replication factor (so QUORUM of RF 3 waits for one
    /// replica if it is 1), while data still goes to the real replicas.
    func misreportReplicationFactor(as factor: Int?) { lock.withLock { misreportedFactor = factor } }
    var misreportedReplicationFactor: Int? { lock.withLock { misreportedFactor } }

    /// Messages lost from now on (only with a simulation: without one the network is perfect).
    func setLoss(_ probability: Double) { lock.withLock { lossProbability = probability } }
    /// Requests delivered a second time, later, from now on (only with a simulation).
    func setDuplication(_ probability: Double) { lock.withLock { duplicationProbability = probability } }

    /// Messages from `from` to `to` are lost until `healNetwork` (the other way still works).
    func cut(from: Int, to: Int) {
        lock.withLock { _ = cuts.insert(Link(from: nodes[from].address, to: nodes[to].address)) }
        record("cut \(nodes[from].address.host)→\(nodes[to].address.host)")
    }

    /// Cuts every link between `side` and the other nodes, both ways.
    func partition(_ side: [Int]) {
        for a in side { for b in nodes.indices where !side.contains(b) { cut(from: a, to: b); cut(from: b, to: a) } }
    }

    func healNetwork() {
        lock.withLock { cuts = [] }
        record("network healed")
    }

    private func isCut(from: NodeAddress, to: NodeAddress) -> Bool { lock.withLock { cuts.contains(Link(from: from, to: to)) } }

    /// Kills node `index`'s process: its storage is closed without a flush and peers convict it.
    /// Requests that reach it from now on fail, as against a dead process.
    func crash(_ index: Int) {
        set(index, .crashed)
        nodes[index].close()
        record("\(nodes[index].address.host) crashed")
    }

    /// Starts a crashed node again from its files (commit-log replay, hints reloaded).
    func restart(_ index: Int) throws {
        try nodes[index].open(in: self)
        set(index, .up)
        record("\(nodes[index].address.host) restarted")
    }

    /// Every node up, every link whole, no loss or duplication: crashed nodes are restarted.
    func heal() throws {
        for index in nodes.indices {
            if state(nodes[index].address) == .crashed { try restart(index) } else { set(index, .up) }
        }
        healNetwork()
        setLoss(0)
        setDuplication(0)
    }
    /// Every delivery so far: `time from→to verb outcome`.
    var log: [String] { lock.withLock { events } }

    /// Closes every node's storage and deletes its files. The nodes and the cluster refer to each
    /// other (views and transports reach the cluster), so nothing is freed by going out of scope:
    /// every test calls this when it is done.
    func remove() {
        for node in nodes { node.remove() }
    }

    func set(_ node: Int, _ state: State) { lock.withLock { states[nodes[node].address] = state } }
    func state(_ address: NodeAddress) -> State { lock.withLock { states[address] ?? .up } }
    /// Requests of `verb` that reached node `node` (answered or not).
    func delivered(_ verb: ReplicaVerb, to node: Int) -> Int { lock.withLock { delivered[nodes[node].address]?[verb] ?? 0 } }

    /// Runs DDL on node 0 and copies the schema to every node (what schema push does).
    func schema(_ statements: String...) async throws {
        for statement in statements {
            guard case .result = await nodes[0].run(statement) else { throw Failure("\(statement) failed") }
        }
        let facts = try nodes[0].catalog.schemaFacts()
        for node in nodes.dropFirst() { try node.catalog.mergeSchemaFacts(facts) }
    }

    func node(_ address: NodeAddress) -> Node { nodes.first { $0.address == address }! }

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    struct View: ClusterView {
        let cluster: SimulatedCluster
        let local: NodeAddress

        var localAddress: NodeAddress { local }
        var localDataCenter: String { "dc1" }

        func replicationFactors(of keyspace: KeyspaceSchema) -> [String: Int] {
            ["dc1": cluster.misreportedReplicationFactor ?? Self.factor(keyspace)]
        }

        static func factor(_ keyspace: KeyspaceSchema) -> Int { Int(keyspace.replication["replication_factor"] ?? "1") ?? 1 }

        func replicas(of token: Int64, keyspace: KeyspaceSchema) -> [ReplicaCandidate<NodeAddress>] {
            let n = cluster.nodes.count
            let owner = min(n - 1, Int((UInt64(bitPattern: token) ^ (1 << 63)) / (UInt64.max / UInt64(n))))
            let rf = min(n, Self.factor(keyspace))
            return (0..<rf).map { candidate(cluster.nodes[(owner + $0) % n].address) }
        }

        func ranges(of keyspace: KeyspaceSchema) -> [ScanRange] {
            let n = cluster.nodes.count
            // Node i owns tokens whose offset from the minimum is in [i·width, (i+1)·width).
            let width = UInt64.max / UInt64(n)
            func token(offset: UInt64) -> Int64 { Int64(bitPattern: offset ^ (1 << 63)) }
            return (0..<n).map { i in
                let start: Int64? = i == 0 ? nil : token(offset: UInt64(i) * width - 1)
                let end: Int64? = i == n - 1 ? nil : token(offset: UInt64(i + 1) * width - 1)
                return ScanRange(start: start, end: end, replicas: replicas(of: end ?? .max, keyspace: keyspace))
            }
        }

        var members: [(address: NodeAddress, isAlive: Bool)] {
            cluster.nodes.map { ($0.address, cluster.state($0.address) == .up) }
        }

        func hostID(of node: NodeAddress) -> UUID? { cluster.node(node).hostID }
        func address(ofHost host: UUID) -> NodeAddress? { cluster.nodes.first { $0.hostID == host }?.address }
        func schemaVersion(of node: NodeAddress) -> UUID? { cluster.node(node).catalog.schemaVersion }
        func noteSchemaVersion(_ version: UUID, of node: NodeAddress) {}
        func downSeconds(of node: NodeAddress) -> Int64 { 0 }

        private func candidate(_ address: NodeAddress) -> ReplicaCandidate<NodeAddress> {
            // A hung node still looks alive: the failure detector has not convicted it yet.
            let state = cluster.state(address)
            return ReplicaCandidate(replica: address, dataCenter: "dc1", isAlive: state != .down && state != .crashed,
                                    isLocal: address == local)
        }
    }

    /// One message's fate on the simulated network: its delay each way and whether it or its
    /// answer is lost. Drawn in the order the seeded executor runs requests.
    private func fate() -> (there: Duration, back: Duration, lostThere: Bool, lostBack: Bool, again: Duration?) {
        lock.withLock {
            guard simulation != nil else { return (.zero, .zero, false, false, nil) }
            func delay() -> Duration { .microseconds(100 + Int64(random.next() % 2_900)) }
            func chance(_ probability: Double) -> Bool { Double(random.next() >> 11) / Double(1 << 53) < probability }
            let there = delay(), back = delay(), lostThere = chance(lossProbability), lostBack = chance(lossProbability)
            // A duplicate arrives up to 50 ms later, after the original and maybe after newer writes.
            let again: Duration? = chance(duplicationProbability) ? .microseconds(100 + Int64(random.next() % 50_000)) : nil
            return (there, back, lostThere, lostBack, again)
        }
    }

    private func record(_ event: String) {
        let time = simulation.map { "\($0.clock.now)" } ?? ""
        lock.withLock { events.append("\(time) \(event)") }
    }

    struct Transport: ReplicaTransport {
        let cluster: SimulatedCluster
        let from: NodeAddress

        func request(_ verb: ReplicaVerb, payload: [UInt8], to node: NodeAddress, timeout: Duration) async throws -> [UInt8] {
            let fate = cluster.fate()
            let route = "\(from.host)→\(node.host) \(verb)"
            if fate.there > .zero { try await cluster.runtime.sleep(for: fate.there) }
            switch cluster.state(node) {
            case .down, .refusing, .crashed:
                cluster.record("\(route) refused")
                throw ReplicaRequestError.failed("\(node) is down")
            case .hung:
                try await cluster.runtime.sleep(for: timeout)
                throw ReplicaRequestError.timedOut
            case .up where fate.lostThere || cluster.isCut(from: from, to: node):
                cluster.record("\(route) lost")
                try await cluster.runtime.sleep(for: timeout - fate.there)
                throw ReplicaRequestError.timedOut
            case .up:
                break
            }
            if let again = fate.again {
                cluster.runtime.spawn { [cluster] in
                    guard (try? await cluster.runtime.sleep(for: again)) != nil, cluster.state(node) == .up else { return }
                    cluster.record("\(route) duplicate \((try? await cluster.deliver(verb, payload: payload, to: node)) == nil ? "failed" : "applied")")
                }
            }
            let answer = try await cluster.deliver(verb, payload: payload, to: node)
            if fate.lostBack || cluster.isCut(from: node, to: from) {
                cluster.record("\(route) applied, answer lost")
                try await cluster.runtime.sleep(for: timeout - fate.there)
                throw ReplicaRequestError.timedOut
            }
            cluster.record("\(route) answered")
            if fate.back > .zero { try await cluster.runtime.sleep(for: fate.back) }
            return answer
        }
    }

    /// What node `node` does with one request that reached it.
    private func deliver(_ verb: ReplicaVerb, payload: [UInt8], to node: NodeAddress) async throws -> [UInt8] {
        lock.withLock { delivered[node, default: [:]][verb, default: 0] += 1 }
        let target = self.node(node)
        switch verb {
        case .schemaPush:
            try target.schemaSync.apply(DataCodec.decodeMutation(payload).updates)
            return withUnsafeBytes(of: target.catalog.schemaVersion.uuid) { Array($0) }
        default:
            return try await target.service.handle(verb, payload: payload)
        }
    }

    /// Runs `scenario` on the cluster's simulation (or directly, without one).
    func drive<T: Sendable>(_ scenario: @escaping @Sendable () async throws -> T) async throws -> T {
        guard let simulation else { return try await scenario() }
        return try await simulation.drive(scenario)
    }
}

private extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
