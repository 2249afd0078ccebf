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
final class SimulatedCluster: @unchecked Sendable {
    final class Node: @unchecked Sendable {
        let address: NodeAddress
        let hostID = UUID()
        let directory = "/tmp/basalt-sim-\(UUID().uuidString)"
        let engine: StorageEngine
        let catalog: SchemaCatalog
        let hints: HintStore
        let service: ReplicaService
        var processor: QueryProcessor!
        var dispatcher: HintDispatcher!
        var schemaSync: SchemaSync!
        let session = CQLSession()

        init(address: NodeAddress) throws {
            self.address = address
            engine = try StorageEngine(configuration: StorageConfiguration(directory: directory))
            hints = try HintStore(engine: engine)
            catalog = try SchemaCatalog.open(engine: engine)
            service = ReplicaService(engine: engine, catalog: catalog)
        }

        deinit {
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
    private let lock = NSLock()
    private var states: [NodeAddress: State] = [:]
    private var delivered: [NodeAddress: [ReplicaVerb: Int]] = [:]

    init(size: Int) throws {
        nodes = try (1...size).map { try Node(address: NodeAddress(host: "127.0.0.\($0)")) }
        let timeouts = { var t = ClusterStorageProxy.Timeouts(); t.write = .milliseconds(300); t.read = .milliseconds(300); return t }()
        for node in nodes {
            let view = View(cluster: self, local: node.address)
            let proxy = ClusterStorageProxy(view: view, transport: Transport(cluster: self), service: node.service,
                                            hints: node.hints, catalog: node.catalog, engine: node.engine, timeouts: timeouts)
            node.processor = QueryProcessor(engine: node.engine, catalog: node.catalog, node: NodeIdentity(), events: nil, proxy: proxy)
            node.dispatcher = HintDispatcher(hints: node.hints, view: view, transport: Transport(cluster: self))
            node.schemaSync = SchemaSync(catalog: node.catalog, view: view, transport: Transport(cluster: self), events: nil)
        }
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
            ["dc1": Int(keyspace.replication["replication_factor"] ?? "1") ?? 1]
        }

        func replicas(of token: Int64, keyspace: KeyspaceSchema) -> [ReplicaCandidate<NodeAddress>] {
            let n = cluster.nodes.count
            let owner = min(n - 1, Int((UInt64(bitPattern: token) ^ (1 << 63)) / (UInt64.max / UInt64(n))))
            let rf = min(n, replicationFactors(of: keyspace)["dc1"]!)
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

    struct Transport: ReplicaTransport {
        let cluster: SimulatedCluster

        func request(_ verb: ReplicaVerb, payload: [UInt8], to node: NodeAddress, timeout: Duration) async throws -> [UInt8] {
            switch cluster.state(node) {
            case .down, .refusing: throw ReplicaRequestError.failed("\(node) is down")
            case .hung:
                try await Task.sleep(for: timeout)
                throw ReplicaRequestError.timedOut
            case .up: break
            }
            cluster.lock.withLock { cluster.delivered[node, default: [:]][verb, default: 0] += 1 }
            switch verb {
            case .schemaPush:
                try cluster.node(node).schemaSync.apply(DataCodec.decodeMutation(payload).updates)
                return withUnsafeBytes(of: cluster.node(node).catalog.schemaVersion.uuid) { Array($0) }
            default:
                return try await cluster.node(node).service.handle(verb, payload: payload)
            }
        }
    }
}
