import BasaltCluster
import BasaltCore
import BasaltCQLProtocol
import BasaltFileSystem
import BasaltInternode
import BasaltQuery
import BasaltStorage
import Dispatch
import Foundation
import Logging

/// A node's membership in the cluster, running: the internode messenger (replica requests and
/// gossip), the gossip round every second, joining the ring with balanced tokens, pushing
/// membership events to CQL clients, hint delivery, schema reconciliation and the status file
/// `scripts/cluster status` reads. The decisions are made by the pure `Gossiper` (in
/// `ClusterState`) and the coordinator's values; this type only schedules and carries them out.
public final class ClusterNode: @unchecked Sendable {
    public struct Configuration: Sendable {
        public var clusterName: String
        /// Internode listen address (host and storage port).
        public var listenAddress: NodeAddress
        /// Where clients reach this node's CQL server (gossiped as NATIVE_ADDRESS).
        public var nativeHost: String
        public var nativePort: Int
        public var dataCenter: String
        public var rack: String
        public var seeds: [NodeAddress]
        public var numTokens: Int
        /// Explicit tokens (`initial_token`); nil = allocate.
        public var initialTokens: [Int64]?
        public var phiConvictThreshold: Double
        public var hintedHandoffEnabled: Bool
        public var timeouts: ClusterStorageProxy.Timeouts
        public var dataDirectory: String
        public var releaseVersion: String
        /// The replication factor token allocation balances for (Cassandra's
        /// allocate_tokens_for_local_replication_factor, default 3).
        public var allocationReplicationFactor = 3
        /// How long a joining node waits to hear from a seed before it allocates tokens alone, and
        /// how long a node announcing a topology change (BOOT, LEAVING, REMOVING) waits before it
        /// streams, so that every coordinator writes to the new replicas first (`ring_delay_ms`).
        public var ringDelay: Duration = .seconds(10)
        /// The pace of this node's outbound streams (`stream_throughput_outbound_megabits_per_sec`;
        /// 0 = unthrottled). Cassandra's old default, 200 megabits = 25 MB/s.
        public var streamThroughputMegabitsPerSecond = 200
        /// `replace_address_first_boot`: on its first start this node takes over the tokens of the
        /// dead node at this address and streams its data from the surviving replicas.
        public var replaceAddress: NodeAddress?
        /// `server_encryption_options`: every internode connection in TLS; nil: plaintext.
        public var tls: InternodeTLS?

        public init(clusterName: String, listenAddress: NodeAddress, nativeHost: String, nativePort: Int, dataCenter: String,
                    rack: String, seeds: [NodeAddress], numTokens: Int, initialTokens: [Int64]?, phiConvictThreshold: Double,
                    hintedHandoffEnabled: Bool, timeouts: ClusterStorageProxy.Timeouts, dataDirectory: String,
                    releaseVersion: String) {
            self.clusterName = clusterName
            self.listenAddress = listenAddress
            self.nativeHost = nativeHost
            self.nativePort = nativePort
            self.dataCenter = dataCenter
            self.rack = rack
            self.seeds = seeds
            self.numTokens = numTokens
            self.initialTokens = initialTokens
            self.phiConvictThreshold = phiConvictThreshold
            self.hintedHandoffEnabled = hintedHandoffEnabled
            self.timeouts = timeouts
            self.dataDirectory = dataDirectory
            self.releaseVersion = releaseVersion
        }
    }

    public let configuration: Configuration
    public let state: ClusterState
    public let proxy: ClusterStorageProxy
    public internal(set) var identity: NodeIdentityFile
    let messenger: InternodeMessenger
    let engine: StorageEngine
    let catalog: SchemaCatalog
    let hints: HintStore
    let service: ReplicaService
    let schemaSync: SchemaSync
    let dispatcher: HintDispatcher
    let events: CQLEventSink?
    let logger: Logger
    let streamSource: StreamSource
    let streamer: RangeStreamer
    let lock = NSLock()
    /// The topology change this node is running (decommission, a removal), one at a time.
    var runningChange: String?
    private var loop: Task<Void, Never>?
    private var announcedSchema: UUID?
    /// What `<data>/peers` holds (`SavedPeers`), rewritten when the ring this node sees changes.
    private var savedPeers = SavedPeers()

    static func now() -> MonotonicTime { MonotonicTime(nanoseconds: Int64(DispatchTime.now().uptimeNanoseconds)) }

    private init(configuration: Configuration, identity: NodeIdentityFile, engine: StorageEngine, catalog: SchemaCatalog,
                 hints: HintStore, events: CQLEventSink?, logger: Logger) {
        self.configuration = configuration
        self.identity = identity
        self.engine = engine
        self.catalog = catalog
        self.hints = hints
        self.events = events
        self.logger = logger
        var detector = PhiAccrualFailureDetector.Configuration()
        detector.phiConvictThreshold = configuration.phiConvictThreshold
        let gossiper = Gossiper(local: configuration.listenAddress, generation: Int64(Date().timeIntervalSince1970),
                                seeds: configuration.seeds, clusterName: configuration.clusterName,
                                configuration: GossipConfiguration(failureDetector: detector))
        state = ClusterState(gossiper: gossiper, dataCenter: configuration.dataCenter, clock: Self.now)
        let hostID = withUnsafeBytes(of: identity.hostID.uuid) { bytes in
            InternodeHostID(high: bytes.load(fromByteOffset: 0, as: UInt64.self).bigEndian,
                            low: bytes.load(fromByteOffset: 8, as: UInt64.self).bigEndian)
        }
        var messengerConfiguration = InternodeMessengerConfiguration(
            clusterName: configuration.clusterName, hostID: hostID, listenAddress: configuration.listenAddress)
        messengerConfiguration.tls = configuration.tls
        messenger = InternodeMessenger(configuration: messengerConfiguration, logger: logger)
        let transport = InternodeReplicaTransport(messenger: messenger)
        streamSource = StreamSource(engine: engine, megabitsPerSecond: configuration.streamThroughputMegabitsPerSecond,
                                    clock: Self.now)
        streamer = RangeStreamer(messenger: messenger, engine: engine, logger: logger, isAlive: { [state] in state.isAlive($0) })
        service = ReplicaService(engine: engine, catalog: catalog)
        schemaSync = SchemaSync(catalog: catalog, view: state, transport: transport, events: events, logger: logger)
        dispatcher = HintDispatcher(hints: hints, view: state, transport: transport, logger: logger)
        proxy = ClusterStorageProxy(view: state, transport: transport, service: service, hints: hints, catalog: catalog,
                                    engine: engine, timeouts: configuration.timeouts,
                                    hintsEnabled: configuration.hintedHandoffEnabled, schemaSync: schemaSync)
    }

    /// Starts the messenger and gossip and joins the ring (choosing tokens on the first start).
    /// Returns once this node is a NORMAL member of the ring.
    public static func start(configuration: Configuration, engine: StorageEngine, catalog: SchemaCatalog, hints: HintStore,
                             events: CQLEventSink?, logger: Logger) async throws -> ClusterNode {
        let identity = try NodeIdentityFile.loadOrCreate(directory: configuration.dataDirectory, fileSystem: engine.configuration.fileSystem)
        // Before any gossip: peers must not hear of a process that is not coming back.
        if identity.decommissioned {
            throw LifecycleError.refused("this node was decommissioned: its data is no longer its own; "
                + "remove the data directory \(configuration.dataDirectory) to join the cluster again")
        }
        let node = ClusterNode(configuration: configuration, identity: identity, engine: engine, catalog: catalog,
                               hints: hints, events: events, logger: logger)
        try hints.loadPendingSizes()
        node.announceLocalStates()
        try node.restoreSavedPeers()
        node.registerHandlers()
        try await node.messenger.start()
        node.startLoop()
        do {
            try await node.join()
            try await node.catchUpSchema()
        } catch {
            await node.stop()
            throw error
        }
        return node
    }

    private func announceLocalStates() {
        state.setLocalState(.dataCenter, configuration.dataCenter)
        state.setLocalState(.rack, configuration.rack)
        state.setLocalState(.hostID, identity.hostID.uuidString.lowercased())
        state.setLocalState(.nativeAddress, "\(configuration.nativeHost):\(configuration.nativePort)")
        state.setLocalState(.releaseVersion, configuration.releaseVersion)
        state.setLocalState(.load, String(localLoad))
        announceSchemaVersion()
    }

    /// Gossips this node's schema version when it changed (a DDL here, or schema merged from a peer).
    func announceSchemaVersion() {
        let version = catalog.schemaVersion
        let changed: Bool = lock.withLock {
            defer { announcedSchema = version }
            return announcedSchema != version
        }
        if changed { state.setLocalState(.schema, version.uuidString.lowercased()) }
    }

    private var localLoad: Int { engine.statistics.tables.reduce(0) { $0 + $1.liveBytes } }

    // MARK: joining

    private func join() async throws {
        var tokens = identity.tokens
        if tokens.isEmpty {
            if let replaced = configuration.replaceAddress {
                tokens = try await tokensToReplace(replaced)
            } else {
                tokens = try await chooseTokens()
            }
            identity.tokens = tokens
            identity.bootstrapPending = try await needsBootstrap()
            try identity.save(directory: configuration.dataDirectory, fileSystem: engine.configuration.fileSystem)
        }
        if identity.bootstrapPending {
            try await bootstrap(tokens: tokens)
            identity.bootstrapPending = false
            try identity.save(directory: configuration.dataDirectory, fileSystem: engine.configuration.fileSystem)
            retireReplacedNodes(tokens: tokens)
        }
        state.setLocalState(.tokens, NodeStatus.tokensValue(tokens))
        state.setLocalState(.status, NodeStatus.normal(tokens: tokens).description)
        logger.info("joined the ring", metadata: ["tokens": "\(tokens.count)", "address": "\(configuration.listenAddress)"])
    }

    /// A node that was down may have missed schema changes: before it serves clients it pulls
    /// from the first live peer it hears of (waiting at most the ring delay for one).
    func catchUpSchema() async throws {
        guard configuration.seeds.contains(where: { $0 != configuration.listenAddress }) else { return }
        let deadline = Self.now() + configuration.ringDelay
        while !state.members.contains(where: { $0.isAlive && $0.address != configuration.listenAddress }),
              Self.now() < deadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        await schemaSync.reconcile()
        announceSchemaVersion()
    }

    /// `initial_token` if given; else, after hearing from a seed (or the ring delay), tokens that
    /// keep ownership balanced given the ring this node sees.
    private func chooseTokens() async throws -> [Int64] {
        if let initial = configuration.initialTokens { return initial.sorted() }
        let others = configuration.seeds.filter { $0 != configuration.listenAddress }
        if !others.isEmpty {
            state.setLocalState(.status, NodeStatus.bootstrapping(tokens: []).description)
            let deadline = Self.now() + configuration.ringDelay
            // Wait for a ring member, then one more gossip interval so the seed's ACK has brought
            // every member it knows.
            while state.tokenRing.isEmpty, Self.now() < deadline { try await Task.sleep(for: .milliseconds(100)) }
            if !state.tokenRing.isEmpty { try await Task.sleep(for: .seconds(1)) }
            if state.tokenRing.isEmpty {
                logger.warning("no ring member heard of within the ring delay: allocating tokens alone",
                               metadata: ["seeds": "\(others)"])
            }
        }
        var random = SystemRandomNumberGenerator()
        return TokenAllocator.allocateTokens(
            count: configuration.numTokens, for: configuration.listenAddress,
            location: NodeLocation(dataCenter: configuration.dataCenter, rack: configuration.rack),
            in: state.tokenRing, replicationFactor: configuration.allocationReplicationFactor, using: &random)
    }

    // MARK: the gossip loop

    private func startLoop() {
        let task = Task { [weak self] in
            var round = 0
            while !Task.isCancelled {
                guard let self else { return }
                self.gossipRound()
                if round % 10 == 0 {
                    self.state.setLocalState(.load, String(self.localLoad))
                    if self.configuration.hintedHandoffEnabled { Task { await self.dispatcher.deliverPending() } }
                }
                Task { await self.schemaSync.reconcile() }
                self.writeStatusFile()
                self.savePeersIfChanged()
                round += 1
                try? await Task.sleep(for: .seconds(1))
            }
        }
        lock.withLock { loop = task }
    }

    private func gossipRound() {
        announceSchemaVersion()
        var random = SystemRandomNumberGenerator()
        let outputs = state.withGossiper { gossiper in gossiper.tick(now: Self.now(), rng: &random) }
        carryOut(outputs)
    }

    func carryOut(_ outputs: [GossipOutput]) {
        for output in outputs {
            switch output {
            case .send(let message, let peer):
                let verb: InternodeVerb = switch message {
                case .syn: .gossipSyn
                case .ack: .gossipAck
                case .ack2: .gossipAck2
                }
                messenger.send(verb, payload: message.encoded(), to: peer)
            case .joined(let node, _):
                logger.info("node joined", metadata: ["node": "\(node)"])
                publishTopology(.newNode, node)
            case .restarted(let node, _):
                // A quick restart may never have been convicted: its hints wait all the same.
                logger.info("node restarted", metadata: ["node": "\(node)"])
                if configuration.hintedHandoffEnabled { Task { await dispatcher.deliverPending() } }
            case .alive(let node):
                logger.info("node is up", metadata: ["node": "\(node)"])
                publishStatus(.up, node)
                if configuration.hintedHandoffEnabled { Task { await dispatcher.deliverPending() } }
            case .dead(let node):
                logger.warning("node is down", metadata: ["node": "\(node)"])
                publishStatus(.down, node)
            case .changed(let node, let key, let value):
                if key == .status, case .normal? = NodeStatus(value) { publishTopology(.newNode, node) }
                if key == .status, case .left? = NodeStatus(value) {
                    logger.info("node left the ring", metadata: ["node": "\(node)"])
                    publishTopology(.removedNode, node)
                }
                if key == .schema { Task { await schemaSync.reconcile() } }
            case .removed(let node):
                logger.info("node removed", metadata: ["node": "\(node)"])
                publishTopology(.removedNode, node)
            case .ignored(let from, let reason):
                logger.log(level: reason.isWorthAWarning ? .warning : .debug, "gossip ignored",
                           metadata: ["from": "\(from)", "reason": "\(reason)"])
            case .localPause(let pause):
                logger.warning("this process was paused; no peer convicted this round", metadata: ["pause": "\(pause)"])
            }
        }
    }

    private func nativeEndpoint(_ node: NodeAddress) -> CQLInetSocketAddress? {
        let native = ClusterState.nativeEndpoint(state.state(of: node)?[.nativeAddress], fallbackHost: node.host)
        return CQLInet(native.host).map { CQLInetSocketAddress(address: $0, port: Int32(native.port)) }
    }

    private func publishStatus(_ change: CQLEvent.StatusChange, _ node: NodeAddress) {
        if let endpoint = nativeEndpoint(node) { events?.publish(.statusChange(change, endpoint)) }
    }

    private func publishTopology(_ change: CQLEvent.TopologyChange, _ node: NodeAddress) {
        // Only ring members are news to drivers: a node still choosing tokens is not routable.
        guard change == .removedNode || state.tokenRing.location(of: node) != nil, node != configuration.listenAddress
        else { return }
        if let endpoint = nativeEndpoint(node) { events?.publish(.topologyChange(change, endpoint)) }
    }

    // MARK: handlers

    private func registerHandlers() {
        for verb in [InternodeVerb.gossipSyn, .gossipAck, .gossipAck2] {
            messenger.register(verb) { [weak self] request in
                guard let self else { return [] }
                let message = try GossipMessage(decoding: request.payload)
                let outputs = self.state.withGossiper { $0.receive(message, from: request.sender, now: Self.now()) }
                self.carryOut(outputs)
                return []
            }
        }
        let service = self.service
        for verb in ReplicaVerb.allCases where verb != .schemaPush {
            messenger.register(InternodeReplicaTransport.verb(verb)) { try await service.handle(verb, payload: $0.payload) }
        }
        messenger.register(.streamRead) { [streamSource] request in try await streamSource.handle(request.payload) }
        messenger.register(.streamFetch) { [weak self] request in
            guard let self else { return [] }
            let fetch = try StreamFetchRequest(decoding: request.payload)
            self.logger.info("streaming ranges handed over", metadata: ["from": "\(request.sender)", "ranges": "\(fetch.items.count)"])
            let summary = try await self.streamer.fetch(fetch.items)
            self.logger.info("streamed ranges handed over", metadata: ["from": "\(request.sender)", "moved": "\(summary)"])
            return summary.encoded()
        }
        messenger.register(.schemaPush) { [weak self] request in
            guard let self else { return [] }
            let answer = try self.schemaSync.receivePush(request.payload)
            self.announceSchemaVersion()
            return answer
        }
    }

    // MARK: saved peers

    /// Before any gossip: the ring as the previous process knew it, its peers unreachable until
    /// heard from (`SavedPeers`).
    private func restoreSavedPeers() throws {
        let saved = try SavedPeers.load(directory: configuration.dataDirectory, fileSystem: engine.configuration.fileSystem)
        saved.restore(into: state)
        lock.withLock { savedPeers = saved }
        if !saved.peers.isEmpty { logger.info("restored the saved ring", metadata: ["peers": "\(saved.peers.count)"]) }
    }

    private func savePeersIfChanged() {
        var saved = lock.withLock { savedPeers }
        do {
            try saved.update(from: state, directory: configuration.dataDirectory, fileSystem: engine.configuration.fileSystem)
            lock.withLock { savedPeers = saved }
        } catch {
            logger.warning("could not save the ring's peers", metadata: ["error": "\(error)"])
        }
    }

    // MARK: status file

    /// `<data>/cluster-status.json`: this node's view (like `nodetool status`), rewritten each
    /// round for `scripts/cluster status` and its waits, through the data directory's file system.
    private func writeStatusFile() {
        let ring = state.tokenRing
        let ownership = ring.primaryOwnership()
        let members: [[String: Any]] = state.knownNodes.compactMap { node in
            guard let endpoint = state.state(of: node) else { return nil }
            let statusName = endpoint[.status].flatMap(NodeStatus.init)?.name ?? "UNKNOWN"
            return [
                "address": node.host, "port": node.port, "state": state.isAlive(node) ? "UP" : "DOWN", "status": statusName,
                "load": Int(endpoint[.load] ?? "0") ?? 0, "tokens": ring.tokens(of: node).count,
                "owns": ownership[node] ?? 0, "host_id": endpoint[.hostID] ?? "",
                "data_center": endpoint[.dataCenter] ?? "", "rack": endpoint[.rack] ?? "",
                "schema_version": endpoint[.schema] ?? "",
            ]
        }
        let hinted = hints.statistics
        let view: [String: Any] = ["local": configuration.listenAddress.host, "members": members,
                                   "hints": ["stored": hinted.stored, "delivered": hinted.delivered,
                                             "dropped": hinted.droppedOutsideWindow + hinted.droppedOverSize]]
        guard let data = try? JSONSerialization.data(withJSONObject: view, options: [.sortedKeys]) else { return }
        let path = configuration.dataDirectory + "/cluster-status.json"
        try? engine.configuration.fileSystem.writeAtomically(Array(data), to: path, directory: configuration.dataDirectory)
    }

    // MARK: stopping

    /// Announces SHUTDOWN to every live peer (so they mark this node down at once and tell their
    /// clients), then stops gossip and the messenger, which writes out those last messages.
    public func stop() async {
        let task = lock.withLock { defer { loop = nil }; return loop }
        task?.cancel()
        carryOut(state.withGossiper { $0.announceShutdown() })
        await messenger.shutdown()
    }
}

extension ClusterNode {
    /// Hints written, delivered, dropped and pending per host, for the metrics endpoint.
    public var hintStatistics: HintStore.Statistics { hints.statistics }

    /// Messages sent, received, dropped and timed out per peer.
    public var internodeStatistics: InternodeStatistics { messenger.statistics() }

    /// The failure detector's phi of each known peer now (nil before its first heartbeat).
    public var peerPhi: [(peer: NodeAddress, phi: Double?)] {
        let now = Self.now()
        var out: [(NodeAddress, Double?)] = []
        _ = state.withGossiper { gossiper in
            for peer in gossiper.knownEndpoints where peer != configuration.listenAddress {
                out.append((peer, gossiper.phi(of: peer, now: now)))
            }
            return []
        }
        return out.map { (peer: $0.0, phi: $0.1) }
    }
}
