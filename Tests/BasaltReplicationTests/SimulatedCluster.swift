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
final class SimulatedCluster: @unchecked Sendable {
    final class Node: @unchecked Sendable {
        let address: NodeAddress
        let hostID: UUID
        let directory = "/tmp/basalt-sim-\(UUID().uuidString)"
        let engine: StorageEngine
        let catalog: SchemaCatalog
        let hints: HintStore
        let service: ReplicaService
        var processor: QueryProcessor!
        var dispatcher: HintDispatcher!
        var schemaSync: SchemaSync!
        let session = CQLSession()

        init(address: NodeAddress, simulated: Bool) throws {
            self.address = address
            // Fixed per address, so that anything ordered by host id is the same in every run.
            hostID = UUID(uuidString: "00000000-0000-4000-8000-" + String(address.host.split(separator: ".").last!).leftPadded(12))!
            // Periodic sync acknowledges a write when it is applied, on the writer's own task: in
            // group mode the commit log's sync thread would resume writers from outside the
            // simulation, at moments no seed controls.
            // Small segments: a test writes little, and every node preallocates one.
            let commitLog = CommitLogConfiguration(syncMode: simulated ? .periodic(intervalMilliseconds: 1_000) : .defaultGroup,
                                                   segmentSize: 1 << 20)
            engine = try StorageEngine(configuration: StorageConfiguration(directory: directory, commitLog: commitLog))
            hints = try HintStore(engine: engine)
            catalog = try SchemaCatalog.open(engine: engine)
            service = ReplicaService(engine: engine, catalog: catalog)
        }

        func remove() {
            try? engine.close()
            try? FileManager.default.removeItem(atPath: directory)
        }

        func run(_ query: String, _ consistency: CQLConsistency = .one, pageSize: Int32? = nil) async -> CQLResponse {
            let parameters = CQLQueryParameters(consistency: consistency, pageSize: pageSize)
            return await processor.handle(.query(CQLQuery(query: query, parameters: parameters)), session: session)
        }
    }

    enum State { case up, down, refusing, hung }

    let nodes: [Node]
    let simulation: Simulation?
    let runtime: NodeRuntime
    private let lock = NSLock()
    private var states: [NodeAddress: State] = [:]
    private var delivered: [NodeAddress: [ReplicaVerb: Int]] = [:]
    private var random: SplitMix64
    private var lossProbability = 0.0
    private var misreportedFactor: Int?
    private var events: [String] = []

    init(size: Int, simulation: Simulation? = nil) throws {
        self.simulation = simulation
        runtime = simulation?.runtime ?? NodeRuntime()
        random = SplitMix64(seed: simulation?.seed ?? 0)
        nodes = try (1...size).map { try Node(address: NodeAddress(host: "127.0.0.\($0)"), simulated: simulation != nil) }
        let timeouts = { var t = ClusterStorageProxy.Timeouts(); t.write = .milliseconds(300); t.read = .milliseconds(300); return t }()
        for node in nodes {
            let view = View(cluster: self, local: node.address)
            let transport = Transport(cluster: self, from: node.address)
            let proxy = ClusterStorageProxy(view: view, transport: transport, service: node.service, hints: node.hints,
                                            catalog: node.catalog, engine: node.engine, timeouts: timeouts, runtime: runtime)
            node.processor = QueryProcessor(engine: node.engine, catalog: node.catalog, node: NodeIdentity(), events: nil, proxy: proxy)
            node.dispatcher = HintDispatcher(hints: node.hints, view: view, transport: transport)
            node.schemaSync = SchemaSync(catalog: node.catalog, view: view, transport: transport, events: nil)
        }
    }

    /// A deliberately broken coordinator, for showing that the checkers catch one: every node's
    /// coordinator believes keyspaces have this replication factor (so QUORUM of RF 3 waits for one
    /// replica if it is 1), while data still goes to the real replicas.
    func misreportReplicationFactor(as factor: Int?) { lock.withLock { misreportedFactor = factor } }
    var misreportedReplicationFactor: Int? { lock.withLock { misreportedFactor } }

    /// Messages lost from now on (only with a simulation: without one the network is perfect).
    func setLoss(_ probability: Double) { lock.withLock { lossProbability = probability } }
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
            ReplicaCandidate(replica: address, dataCenter: "dc1", isAlive: cluster.state(address) != .down, isLocal: address == local)
        }
    }

    /// One message's fate on the simulated network: its delay each way and whether it or its
    /// answer is lost. Drawn in the order the seeded executor runs requests.
    private func fate() -> (there: Duration, back: Duration, lostThere: Bool, lostBack: Bool) {
        lock.withLock {
            guard simulation != nil else { return (.zero, .zero, false, false) }
            func delay() -> Duration { .microseconds(100 + Int64(random.next() % 2_900)) }
            func lost() -> Bool { Double(random.next() >> 11) / Double(1 << 53) < lossProbability }
            return (delay(), delay(), lost(), lost())
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
            case .down, .refusing:
                cluster.record("\(route) refused")
                throw ReplicaRequestError.failed("\(node) is down")
            case .hung:
                try await cluster.runtime.sleep(for: timeout)
                throw ReplicaRequestError.timedOut
            case .up where fate.lostThere:
                cluster.record("\(route) lost")
                try await cluster.runtime.sleep(for: timeout - fate.there)
                throw ReplicaRequestError.timedOut
            case .up:
                break
            }
            cluster.lock.withLock { cluster.delivered[node, default: [:]][verb, default: 0] += 1 }
            let answer: [UInt8]
            switch verb {
            case .schemaPush:
                try cluster.node(node).schemaSync.apply(DataCodec.decodeMutation(payload).updates)
                answer = withUnsafeBytes(of: cluster.node(node).catalog.schemaVersion.uuid) { Array($0) }
            default:
                answer = try await cluster.node(node).service.handle(verb, payload: payload)
            }
            if fate.lostBack {
                cluster.record("\(route) applied, answer lost")
                try await cluster.runtime.sleep(for: timeout - fate.there)
                throw ReplicaRequestError.timedOut
            }
            cluster.record("\(route) answered")
            if fate.back > .zero { try await cluster.runtime.sleep(for: fate.back) }
            return answer
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
