import BasaltCluster
import BasaltCommitLog
import BasaltCoordination
import BasaltCore
import BasaltCQLProtocol
import BasaltQuery
import BasaltSimulation
import BasaltStorage
import BasaltTestSupport
import Foundation
import Logging
import Synchronization
@testable import BasaltReplication

/// N nodes in one process, each with its own storage, catalog, replica service, hints and
/// coordinator, joined by an in-memory transport. A node can be refusing (requests fail at once),
/// hung (requests never answer, so they time out), or crash and restart (its storage is closed and
/// reopened from its files, replaying the commit log).
///
/// Without a simulation the network is perfect, the ring gives node i the i-th of N equal token
/// ranges, replicas of a token are its owner and the next RF-1 nodes, and liveness is what the
/// test sets (`down`: convicted, requests fail at once).
///
/// Given a `Simulation` (`BasaltSimulation`), every task of every node runs on its seeded executor
/// and virtual clock, and the cluster is a real one on the simulation's one `SimulatedNetwork`:
/// each node's `ClusterState` holds its real gossiper, which gossips over that network
/// (`SimulatedGossip`), so the ring comes from gossiped tokens and liveness from the phi-accrual
/// detectors — a crashed or paused node is convicted over virtual time, and the coordinators'
/// replica choice follows. Replica messages are delayed by a seeded 0.1–3 ms, lost, duplicated and
/// cut like gossip; a lost request or answer times out (a lost answer's request was still
/// applied). A paused node (`pause`) gossips and answers nothing until it resumes, then applies the
/// requests that reached it meanwhile. Each node's files are on its own `SimulatedDisk`, which can
/// be made full or fail reads. `log` records every delivery, fault and membership event,
/// so two runs of one seed can be compared event for event.
final class SimulatedCluster: @unchecked Sendable {
    final class Node: @unchecked Sendable {
        let address: NodeAddress
        let hostID: UUID
        /// The node's own disk in a simulation (its files live there, not in /tmp).
        let disk: SimulatedDisk?
        let directory: String
        private var simulated: Bool { disk != nil }
        // Replaced at every restart: what a process holds in memory.
        private(set) var engine: StorageEngine!
        private(set) var catalog: SchemaCatalog!
        private(set) var hints: HintStore!
        private(set) var service: ReplicaService!
        private(set) var processor: QueryProcessor!
        /// This node's storage alone, without the coordinator: what the replica holds.
        private(set) var local: QueryProcessor!
        private(set) var dispatcher: HintDispatcher!
        private(set) var schemaSync: SchemaSync!
        /// The gossiper and ring (simulated clusters only).
        private(set) var state: ClusterState?
        let session = CQLSession()

        /// The random bits of the node's new table and column ids, seeded so a run replays.
        private let ids: Mutex<SplitMix64>
        /// How long each of the node's commit-log syncs takes (group commit), seeded.
        private let syncDelays: Mutex<SplitMix64>

        init(address: NodeAddress, disk: SimulatedDisk?, ids: SplitMix64, syncDelays: SplitMix64) {
            self.address = address
            self.disk = disk
            self.ids = Mutex(ids)
            self.syncDelays = Mutex(syncDelays)
            directory = disk == nil ? "/tmp/basalt-sim-\(UUID().uuidString)" : "/node"
            // Fixed per address, so that anything ordered by host id is the same in every run.
            hostID = UUID(uuidString: "00000000-0000-4000-8000-" + String(address.host.split(separator: ".").last!).leftPadded(12))!
        }

        /// Opens storage from the node's directory (replaying its commit log, as a start does) and
        /// builds the services on it; in a simulation, a new gossiper with a new generation too.
        func open(in cluster: SimulatedCluster) throws {
            // With `groupCommit`, as a node runs: a write is acknowledged once a sync covered it, and
            // the syncs are tasks of the simulation (0.2–3 ms each, seeded) instead of the commit
            // log's thread, which would resume writers at moments no seed controls; so a machine
            // crash loses exactly what no sync covered. Without it (the regression seeds' runs),
            // periodic sync acknowledges a write when it is applied, on the writer's own task.
            // Small segments: a test writes little, and every node preallocates one.
            let groupCommit = simulated && cluster.groupCommit
            let commitLog = CommitLogConfiguration(syncMode: simulated && !groupCommit ? .periodic(intervalMilliseconds: 1_000) : .defaultGroup,
                                                   segmentSize: 1 << 20)
            let address = address
            // No compaction behind the simulation's back: a background thread's reads and writes
            // would draw the disk's faults in an order no seed controls.
            var configuration = StorageConfiguration(directory: directory, commitLog: commitLog, automaticCompaction: !simulated,
                                                     clock: { [unowned cluster] in cluster.clock(of: address) })
            if let disk { configuration.fileSystem = disk.mount() }
            if groupCommit, let simulation = cluster.simulation {
                configuration.commitLogSyncRunner = .scheduled { [unowned self, runtime = cluster.runtime] cycle in
                    let delay = Duration.microseconds(200 + Int64(syncDelays.withLock { $0.next() } % 2_800))
                    runtime.spawn {
                        try? await simulation.sleep(for: delay)
                        cycle()
                    }
                }
            }
            engine = try StorageEngine(configuration: configuration)
            hints = try HintStore(engine: engine)
            catalog = try SchemaCatalog.open(engine: engine) { [unowned self] in ids.withLock { $0.next() } }
            try hints.loadPendingSizes()
            service = ReplicaService(engine: engine, catalog: catalog)
            state = cluster.gossip.map { startGossip($0, in: cluster) }
            // As `ClusterNode` does before it gossips: the ring the previous process saved.
            if let state {
                savedPeers = try SavedPeers.load(directory: directory, fileSystem: engine.configuration.fileSystem)
                savedPeers.restore(into: state)
            }
            let view = View(cluster: cluster, local: address, state: state)
            let transport = Transport(cluster: cluster, from: address)
            self.transport = transport
            let timeouts = { var t = ClusterStorageProxy.Timeouts(); t.write = .milliseconds(300); t.read = .milliseconds(300); return t }()
            // Faults make pushes and pulls fail all the time; the run's log says what happened.
            var quiet = Logger(label: "basalt.simulation.schema")
            quiet.logLevel = .critical
            schemaSync = SchemaSync(catalog: catalog, view: view, transport: transport, events: nil, timeout: .seconds(1), logger: quiet)
            // With the schema sync, as a node's: a DDL it coordinates is pushed to the live nodes.
            let proxy = ClusterStorageProxy(view: view, transport: transport, service: service, hints: hints,
                                            catalog: catalog, engine: engine, timeouts: timeouts, schemaSync: schemaSync,
                                            runtime: cluster.runtime)
            processor = QueryProcessor(engine: engine, catalog: catalog, node: NodeIdentity(), events: nil, proxy: proxy)
            local = QueryProcessor(engine: engine, catalog: catalog, node: NodeIdentity(), events: nil)
            dispatcher = HintDispatcher(hints: hints, view: view, transport: transport)
            incarnation += 1
            serving = true
            // (A first start is a fresh cluster, which the tests wait to converge.)
            if let state, let simulation = cluster.simulation, groupCommit, incarnation > 1 {
                // As `ClusterNode.start` before its CQL server opens: not a coordinator until it
                // has heard from a live peer (whose answer brings the ring) or the ring delay
                // passed, and it has pulled the schema.
                serving = false
                let incarnation = incarnation
                cluster.runtime.spawn { [unowned self, schemaSync, address] in
                    let start = simulation.clock.now
                    while !state.members.contains(where: { $0.isAlive && $0.address != address }),
                          start.duration(to: simulation.clock.now) < .seconds(10) {
                        guard (try? await simulation.sleep(for: .milliseconds(100))) != nil else { return }
                    }
                    await schemaSync?.reconcile()
                    if self.incarnation == incarnation { serving = true }
                }
            }
        }

        /// A new process's gossiper, announcing what a node announces (its one token, NORMAL, its
        /// schema version), gossiping from now on.
        private func startGossip(_ gossip: SimulatedGossip, in cluster: SimulatedCluster) -> ClusterState {
            let seeds = cluster.nodes.prefix(2).map(\.address)
            var gossiper = Gossiper(local: address, generation: gossip.generation(for: address), seeds: seeds, clusterName: "Simulated")
            let token = cluster.token(of: address)
            for (key, value) in [
                (ApplicationStateKey.dataCenter, "dc1"), (.rack, "rack1"), (.hostID, hostID.uuidString),
                (.schema, catalog.schemaVersion.uuidString), (.tokens, NodeStatus.tokensValue([token])),
                (.status, NodeStatus.normal(tokens: [token]).description),
            ] { gossiper.setLocalState(key, value) }
            let clock = cluster.simulation!.clock
            let state = ClusterState(gossiper: gossiper, dataCenter: "dc1", clock: { clock.monotonicNow })
            // Each round, as `ClusterNode`'s gossip loop: gossip the schema version, and pull from
            // the live nodes whose gossiped version differs.
            gossip.start(address, host: state) { [unowned self, runtime = cluster.runtime] in
                self.announceSchema()
                self.savePeersIfChanged()
                if let schemaSync = self.schemaSync { runtime.spawn { await schemaSync.reconcile() } }
            }
            return state
        }

        private(set) var transport: Transport?

        /// An anti-entropy repair of `keyspace.table` run from this node over every range it
        /// replicates (nodetool repair), as `RepairCoordinator` runs one, with the write-timestamp
        /// cutoff taken from the node's clock; returns its failures (a replica down or unreachable).
        func repair(keyspace: String, table name: String) async -> [String] {
            guard let state, let transport, let table = catalog.table(keyspace: keyspace, name: name),
                  let keyspaceSchema = catalog.keyspace(keyspace) else { return ["\(keyspace).\(name) unknown"] }
            var quiet = Logger(label: "basalt.simulation.repair")
            quiet.logLevel = .critical
            let session = RepairSession(state: state, catalog: catalog, engine: engine, service: service, transport: transport,
                                        logger: quiet, cutoff: engine.configuration.clock(),
                                        // A simulated replica answers within milliseconds; a lost
                                        // request should not hold the workload for minutes.
                                        timeouts: RepairSession.Timeouts(tree: .seconds(2), data: .seconds(2)))
            var failures: [String] = []
            _ = await session.repair(table, ranges: session.work(for: keyspaceSchema, primaryOnly: false), failures: &failures)
            return failures
        }

        /// Whether the process takes client requests (a restarted one waits as `ClusterNode` does).
        private(set) var serving = true
        private var incarnation = 0

        /// What the node's `peers` file holds (`SavedPeers`), rewritten when its ring changes.
        private var savedPeers = SavedPeers()

        func savePeersIfChanged() {
            guard let state, let engine else { return }
            // A full or failing disk keeps the old file; the next round tries again.
            try? savedPeers.update(from: state, directory: directory, fileSystem: engine.configuration.fileSystem)
        }

        /// Gossips this node's schema version (after a schema change reached it).
        func announceSchema() { state?.setLocalState(.schema, catalog.schemaVersion.uuidString) }

        /// Closes storage as a killed process leaves it: memtables are not flushed, so the next
        /// `open` rebuilds them from the commit log.
        func close() { try? engine?.close() }

        /// Closes storage, drops the services (they refer back to the cluster, so they would keep
        /// every node and its open files alive) and deletes the files.
        func remove() {
            close()
            (engine, catalog, hints, service, processor, local, dispatcher, schemaSync, state) = (nil, nil, nil, nil, nil, nil, nil, nil, nil)
            transport = nil
            if disk == nil { try? FileManager.default.removeItem(atPath: directory) }
        }

        func run(_ query: String, _ consistency: CQLConsistency = .one, pageSize: Int32? = nil) async -> CQLResponse {
            let parameters = CQLQueryParameters(consistency: consistency, pageSize: pageSize)
            return await processor.handle(.query(CQLQuery(query: query, parameters: parameters)), session: session)
        }

        /// Runs `query` on this node's storage alone.
        func runLocally(_ query: String) async -> CQLResponse {
            await local.handle(.query(CQLQuery(query: query, parameters: CQLQueryParameters(consistency: .one))), session: session)
        }
    }

    /// `down`: convicted (requests fail at once; without a simulation only, where liveness is
    /// scripted). `refusing`: the node refuses replica requests but keeps gossiping, so it is never
    /// convicted. `hung`: requests never answer (without a simulation; a simulated hang is a
    /// `pause`). `crashed`: the process is gone (storage closed); in a simulation its gossip
    /// stops, so it is convicted over time, and until then requests to it fail at once.
    enum State { case up, down, refusing, hung, crashed }

    let nodes: [Node]
    let simulation: Simulation?
    /// The simulation's network and gossip (nil without a simulation: a perfect network).
    let network: SimulatedNetwork?
    let gossip: SimulatedGossip?
    let runtime: NodeRuntime
    private let lock = NSLock()
    private var states: [NodeAddress: State] = [:]
    private var delivered: [NodeAddress: [ReplicaVerb: Int]] = [:]
    private var misreportedFactor: Int?
    private var skews: [NodeAddress: Duration] = [:]

    /// Group commit with simulated syncs, for machine crashes (`crash(_:machine:)`); off for runs that
    /// must replay as they did before (see `Node.open`).
    let groupCommit: Bool

    init(size: Int, simulation: Simulation? = nil, groupCommit: Bool = false) throws {
        self.simulation = simulation
        self.groupCommit = groupCommit
        let network = simulation.map { SimulatedNetwork(simulation: $0, delay: .microseconds(100) ... .microseconds(3_000)) }
        self.network = network
        gossip = simulation.flatMap { simulation in network.map { SimulatedGossip(simulation: simulation, network: $0) } }
        runtime = simulation.map { NodeRuntime(clock: $0.clock, executor: $0.executor) } ?? NodeRuntime()
        var disks = SplitMix64(seed: (simulation?.seed ?? 0) ^ 0xD15C)
        nodes = (1...size).map { index in
            Node(address: NodeAddress(host: "127.0.0.\(index)"), disk: simulation.map { _ in SimulatedDisk(random: &disks) },
                 ids: SplitMix64(seed: (simulation?.seed ?? 0) ^ 0x1D5 ^ UInt64(index) << 32),
                 syncDelays: SplitMix64(seed: (simulation?.seed ?? 0) ^ 0x5F5C ^ UInt64(index) << 32))
        }
        do {
            for node in nodes { try node.open(in: self) }
        } catch {
            remove()
            throw error
        }
    }

    /// 14 Nov 2023 in microseconds: virtual time zero on the nodes' clocks.
    static let epochMicroseconds: Int64 = 1_700_000_000_000_000

    /// Sets how far node `index`'s clock is off (ahead when positive); a simulation only.
    func setSkew(_ index: Int, _ skew: Duration) { lock.withLock { skews[nodes[index].address] = skew } }

    /// Node `index`'s wall clock in microseconds since the epoch, the clock its storage and its
    /// coordinator's write timestamps read: the virtual time plus its skew in a simulation, the
    /// system's clock without one.
    func clock(of index: Int) -> Int64 { clock(of: nodes[index].address) }

    func clock(of address: NodeAddress) -> Int64 {
        guard let simulation else { return StorageConfiguration.systemClock() }
        let offset = simulation.clock.now.offset + lock.withLock { skews[address] ?? .zero }
        return Self.epochMicroseconds + offset.components.seconds * 1_000_000 + offset.components.attoseconds / 1_000_000_000_000
    }

    /// Node i's token: the end of the i-th of N equal ranges.
    func token(of address: NodeAddress) -> Int64 {
        let i = nodes.firstIndex { $0.address == address }!
        let width = UInt64.max / UInt64(nodes.count)
        return i == nodes.count - 1 ? .max : Int64(bitPattern: (UInt64(i + 1) * width - 1) ^ (1 << 63))
    }

    /// A deliberately broken coordinator, for showing that the checkers catch one: every node's
    /// coordinator believes keyspaces have this replication factor (so QUORUM of RF 3 waits for one
    /// replica if it is 1), while data still goes to the real replicas.
    func misreportReplicationFactor(as factor: Int?) { lock.withLock { misreportedFactor = factor } }
    var misreportedReplicationFactor: Int? { lock.withLock { misreportedFactor } }

    /// Messages lost from now on (only with a simulation: without one the network is perfect).
    func setLoss(_ probability: Double) { network?.setLoss(probability) }
    /// Messages delivered a second time, later, from now on (only with a simulation).
    func setDuplication(_ probability: Double) { network?.setDuplication(probability) }

    /// Messages from `from` to `to`, replica and gossip alike, are lost until `healNetwork` (the
    /// other way still works).
    func cut(from: Int, to: Int) { network?.cut(from: nodes[from].address, to: nodes[to].address) }

    /// Cuts every link between `side` and the other nodes, both ways.
    func partition(_ side: [Int]) {
        network?.partition([side.map { nodes[$0].address }, nodes.indices.filter { !side.contains($0) }.map { nodes[$0].address }])
    }

    func healNetwork() { network?.heal() }

    /// Kills node `index`'s process: its storage is closed without a flush and its gossip stops.
    /// Requests that reach it from now on fail, as against a dead process. With `machine`, its
    /// machine crashes first: its disk keeps, drops or tears what no sync covered (by the seed),
    /// and the process's last storage calls fail with EIO.
    func crash(_ index: Int, machine: Bool = false) {
        set(index, .crashed)
        gossip?.kill(nodes[index].address)
        if machine { nodes[index].disk?.crash() }
        nodes[index].close()
        record("\(nodes[index].address.host) \(machine ? "machine crashed" : "crashed")")
    }

    /// Starts a crashed node again from its files (commit-log replay, hints reloaded, a new
    /// gossip generation).
    func restart(_ index: Int) throws {
        try nodes[index].open(in: self)
        set(index, .up)
        record("\(nodes[index].address.host) restarted")
    }

    /// Stops node `index`'s process for `duration` (a SIGSTOP, a long GC pause): it neither
    /// gossips nor answers; what reaches it meanwhile it handles when it resumes.
    func pause(_ index: Int, for duration: Duration) { gossip?.pause(nodes[index].address, for: duration) }

    /// Node `index`'s disk is full (writes and space reservations fail with ENOSPC) until `heal`.
    func fillDisk(_ index: Int) {
        nodes[index].disk?.isFull = true
        record("\(nodes[index].address.host) disk full")
    }

    /// A share of node `index`'s reads fail with EIO until `heal`.
    func failReads(_ index: Int, probability: Double) {
        nodes[index].disk?.rates = SimulatedDisk.Rates(readError: probability)
        record("\(nodes[index].address.host) disk read errors \(probability)")
    }

    /// A share of node `index`'s fsyncs (the commit log's among them) fail with EIO until `heal`:
    /// the records a failed sync covered are never reported durable (their writes fail), and may
    /// or may not be found after a crash.
    func failSyncs(_ index: Int, probability: Double) {
        nodes[index].disk?.rates = SimulatedDisk.Rates(syncFailure: probability)
        record("\(nodes[index].address.host) disk sync errors \(probability)")
    }

    /// Node `index` repairs `ks.t` with its replicas (nodetool repair) under whatever faults hold.
    func repair(_ index: Int) async {
        let failures = await nodes[index].repair(keyspace: "ks", table: "t")
        record("\(nodes[index].address.host) repaired ks.t" + (failures.isEmpty ? "" : " (\(failures.count) ranges failed)"))
    }

    /// Flushes node `index`'s memtables to SSTables (nodetool flush), which may fail on its disk.
    func flush(_ index: Int) {
        // Table by table in name order (the engine's own order is its dictionary's, which differs
        // from process to process), stopping at the first failure as `StorageEngine.flush` does.
        // The error is logged without its path: a table's directory holds its id, a new random
        // UUID in every run.
        let engine = nodes[index].engine!
        var outcome = "flushed"
        for table in engine.allTables.sorted(by: { $0.options.name < $1.options.name }) {
            do {
                try engine.flush(table)
            } catch {
                outcome = "flush of \(table.options.name) failed"
                break
            }
        }
        record("\(nodes[index].address.host) \(outcome)")
    }

    /// Every disk fault that struck, per node and kind ("127.0.0.2 disk: readError ×3"). Without
    /// group commit, not those of syncs and space reservations: the commit log's sync thread does
    /// those in real time (fsyncs, its spare segments), so their count is not the seed's.
    var diskFaults: [String] {
        let seeded: Set<SimulatedDisk.Fault> = groupCommit ? Set(SimulatedDisk.Fault.allCases) : [.noSpaceOnWrite, .readError]
        return nodes.flatMap { node in
            (node.disk?.counts ?? [:]).filter { seeded.contains($0.key) && $0.value > 0 }.sorted { $0.key.rawValue < $1.key.rawValue }
                .map { "\(node.address.host) disk: \($0.key.rawValue) ×\($0.value)" }
        }
    }

    /// Every node up, every link whole, every disk well, no loss or duplication: crashed nodes are
    /// restarted (paused ones resume when their pause ends).
    func heal() throws {
        for node in nodes {
            node.disk?.isFull = false
            node.disk?.rates = SimulatedDisk.Rates()
        }
        for index in nodes.indices {
            if state(nodes[index].address) == .crashed { try restart(index) } else { set(index, .up) }
        }
        healNetwork()
        setLoss(0)
        setDuplication(0)
    }

    /// Lets virtual time pass until no node is paused and every node's gossip sees every node
    /// alive and the whole ring, or `limit` passes; false then. (Just after a pause began, gossip
    /// still shows everyone alive: it has not convicted anybody yet.)
    func awaitMembership(upTo limit: Duration) async throws -> Bool {
        guard let gossip, let simulation else { return true }
        let start = gossip.now
        let all = nodes.map(\.address)
        while gossip.now - start <= limit {
            let agreed = nodes.allSatisfy { node in
                gossip.pausedUntil(node.address) == nil && node.state.map { state in all.allSatisfy(state.isAlive) && state.tokenRing.nodes.count == all.count } ?? false
            }
            if agreed {
                // Each node saves the ring it now knows, as a real node has by the time it is in
                // the ring (it joins after learning it; here every node starts NORMAL at once).
                for node in nodes { node.savePeersIfChanged() }
                return true
            }
            try await simulation.sleep(for: .milliseconds(100))
        }
        return false
    }

    /// Lets virtual time pass until every node holds the same schema (the same schema version), or
    /// `limit` passes; false then.
    func awaitSchemaAgreement(upTo limit: Duration) async throws -> Bool {
        guard let gossip, let simulation else { return true }
        let start = gossip.now
        while gossip.now - start <= limit {
            if Set(nodes.map { $0.catalog.schemaVersion }).count == 1 { return true }
            try await simulation.sleep(for: .milliseconds(100))
        }
        return false
    }

    /// Every delivery, fault and membership event so far: `time event`.
    var log: [String] { network?.log ?? [] }

    /// Stops gossip (a simulated run ends when nothing is left to do), closes every node's storage
    /// and deletes its files. The nodes and the cluster refer to each other (views and transports
    /// reach the cluster), so nothing is freed by going out of scope: every test calls this when it
    /// is done.
    func remove() {
        gossip?.stop()
        for node in nodes { node.remove() }
    }

    func set(_ node: Int, _ state: State) { lock.withLock { states[nodes[node].address] = state } }
    func state(_ address: NodeAddress) -> State { lock.withLock { states[address] ?? .up } }
    /// Requests of `verb` that reached node `node` (answered or not).
    func delivered(_ verb: ReplicaVerb, to node: Int) -> Int { lock.withLock { delivered[nodes[node].address]?[verb] ?? 0 } }

    /// Runs DDL on node 0 and copies the schema to every node (what schema push does); each node
    /// gossips its new schema version.
    func schema(_ statements: String...) async throws {
        for statement in statements {
            guard case .result = await nodes[0].run(statement) else { throw Failure("\(statement) failed") }
        }
        let facts = try nodes[0].catalog.schemaFacts()
        for node in nodes.dropFirst() { try node.catalog.mergeSchemaFacts(facts) }
        for node in nodes { node.announceSchema() }
    }

    func node(_ address: NodeAddress) -> Node { nodes.first { $0.address == address }! }

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    /// A node's view of the cluster: its `ClusterState` (gossip and ring) in a simulation, the
    /// scripted ring and liveness without one; the replication factor the coordinator plans with
    /// can be misreported either way (`misreportReplicationFactor`).
    struct View: ClusterView {
        let cluster: SimulatedCluster
        let local: NodeAddress
        let state: ClusterState?

        var localAddress: NodeAddress { local }
        var localDataCenter: String { "dc1" }

        func replicationFactors(of keyspace: KeyspaceSchema) -> [String: Int] {
            if let factor = cluster.misreportedReplicationFactor { return ["dc1": factor] }
            return state?.replicationFactors(of: keyspace) ?? ["dc1": Self.factor(keyspace)]
        }

        static func factor(_ keyspace: KeyspaceSchema) -> Int { Int(keyspace.replication["replication_factor"] ?? "1") ?? 1 }

        func replicas(of token: Int64, keyspace: KeyspaceSchema) -> [ReplicaCandidate<NodeAddress>] {
            if let state { return state.replicas(of: token, keyspace: keyspace) }
            let n = cluster.nodes.count
            let owner = min(n - 1, Int((UInt64(bitPattern: token) ^ (1 << 63)) / (UInt64.max / UInt64(n))))
            let rf = min(n, Self.factor(keyspace))
            return (0..<rf).map { candidate(cluster.nodes[(owner + $0) % n].address) }
        }

        func ranges(of keyspace: KeyspaceSchema) -> [ScanRange] {
            if let state { return state.ranges(of: keyspace) }
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
            state?.members ?? cluster.nodes.map { ($0.address, cluster.state($0.address) == .up) }
        }

        func hostID(of node: NodeAddress) -> UUID? { state?.hostID(of: node) ?? cluster.node(node).hostID }
        func address(ofHost host: UUID) -> NodeAddress? {
            state?.address(ofHost: host) ?? cluster.nodes.first { $0.hostID == host }?.address
        }
        func schemaVersion(of node: NodeAddress) -> UUID? { state?.schemaVersion(of: node) ?? cluster.node(node).catalog.schemaVersion }
        func noteSchemaVersion(_ version: UUID, of node: NodeAddress) { state?.noteSchemaVersion(version, of: node) }
        func downSeconds(of node: NodeAddress) -> Int64 { state?.downSeconds(of: node) ?? 0 }

        private func candidate(_ address: NodeAddress) -> ReplicaCandidate<NodeAddress> {
            // A hung node still looks alive: the failure detector has not convicted it yet.
            let state = cluster.state(address)
            return ReplicaCandidate(replica: address, dataCenter: "dc1", isAlive: state != .down && state != .crashed,
                                    isLocal: address == local)
        }
    }

    /// Adds `event` to the log (a simulated cluster only).
    func record(_ event: String) { network?.record(event) }

    struct Transport: ReplicaTransport {
        let cluster: SimulatedCluster
        let from: NodeAddress

        func request(_ verb: ReplicaVerb, payload: [UInt8], to node: NodeAddress, timeout: Duration) async throws -> [UInt8] {
            guard let network = cluster.network, let gossip = cluster.gossip else {
                return try await unsimulated(verb, payload: payload, to: node, timeout: timeout)
            }
            let fate = network.fate()
            let route = "\(from.host)→\(node.host) \(verb)"
            try await cluster.runtime.sleep(for: fate.there)
            switch cluster.state(node) {
            case .down, .refusing, .crashed:
                network.record("\(route) refused")
                throw ReplicaRequestError.failed("\(node) is down")
            case .hung:
                try await cluster.runtime.sleep(for: timeout - fate.there)
                throw ReplicaRequestError.timedOut
            case .up where fate.lostThere || network.isCut(from: from, to: node):
                network.record("\(route) lost")
                try await cluster.runtime.sleep(for: timeout - fate.there)
                throw ReplicaRequestError.timedOut
            case .up:
                break
            }
            if let again = fate.again {
                cluster.runtime.spawn { [cluster] in
                    guard (try? await cluster.runtime.sleep(for: again)) != nil, cluster.state(node) == .up else { return }
                    network.record("\(route) duplicate \((try? await cluster.deliver(verb, payload: payload, to: node)) == nil ? "failed" : "applied")")
                }
            }
            if let resume = gossip.pausedUntil(node) {
                // A stopped process reads the request when it resumes, long after the sender gave up.
                cluster.runtime.spawn { [cluster] in
                    guard (try? await cluster.runtime.sleep(for: resume - gossip.now)) != nil, cluster.state(node) == .up else { return }
                    network.record("\(route) applied late \((try? await cluster.deliver(verb, payload: payload, to: node)) == nil ? "failed" : "applied")")
                }
                network.record("\(route) unanswered (paused)")
                try await cluster.runtime.sleep(for: timeout - fate.there)
                throw ReplicaRequestError.timedOut
            }
            let answer = try await cluster.deliver(verb, payload: payload, to: node)
            if fate.lostBack || network.isCut(from: node, to: from) {
                network.record("\(route) applied, answer lost")
                try await cluster.runtime.sleep(for: timeout - fate.there)
                throw ReplicaRequestError.timedOut
            }
            network.record("\(route) answered")
            try await cluster.runtime.sleep(for: fate.back)
            return answer
        }

        /// A perfect network: at once, and as the scripted states say.
        private func unsimulated(_ verb: ReplicaVerb, payload: [UInt8], to node: NodeAddress, timeout: Duration) async throws -> [UInt8] {
            switch cluster.state(node) {
            case .down, .refusing, .crashed:
                throw ReplicaRequestError.failed("\(node) is down")
            case .hung:
                try await cluster.runtime.sleep(for: timeout)
                throw ReplicaRequestError.timedOut
            case .up:
                return try await cluster.deliver(verb, payload: payload, to: node)
            }
        }
    }

    /// What node `node` does with one request that reached it.
    private func deliver(_ verb: ReplicaVerb, payload: [UInt8], to node: NodeAddress) async throws -> [UInt8] {
        lock.withLock { delivered[node, default: [:]][verb, default: 0] += 1 }
        let target = self.node(node)
        switch verb {
        case .schemaPush:
            let answer = try target.schemaSync.receivePush(payload)
            target.announceSchema()
            return answer
        default:
            return try await target.service.handle(verb, payload: payload)
        }
    }

    /// Runs `scenario` on the cluster's simulation (or directly, without one). Gossip stops when
    /// it ends.
    func drive<T: Sendable>(_ scenario: @escaping @Sendable () async throws -> T) async throws -> T {
        guard let simulation else { return try await scenario() }
        return try await simulation.drive { [gossip] in
            defer { gossip?.stop() }
            return try await scenario()
        }
    }
}

private extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}

/// A node's `ClusterState` is what its gossip drives, in the simulation as in `ClusterNode`.
extension ClusterState: GossipHost {}
