import BasaltNIOSupport
import BasaltCQLProtocol
import NIOCore
import NIOPosix
import Synchronization

/// A client for a Basalt (or any CQL native protocol v4) cluster.
///
///     let client = try await BasaltClient.connect(contactPoints: ["127.0.0.1"])
///     try await client.execute("INSERT INTO shop.users (id, name) VALUES (?, ?)", Int32(1), "Ada")
///     let insert = try await client.prepare("INSERT INTO shop.users (id, name) VALUES (?, ?)")
///     try await client.execute(insert, 2, "Grace")
///     for try await row in client.rows("SELECT id, name FROM shop.users") { print(try row.get(String.self, "name")) }
///     await client.close()
///
/// One client serves a whole application: it is `Sendable`, keeps a pool of connections to every
/// host, multiplexes many concurrent requests over each, sends each prepared statement to a
/// replica of its partition, and follows the cluster as nodes come, go and change the schema.
public final class BasaltClient: Sendable {
    /// Sent in STARTUP; nodes show it in their connection logs.
    static let driverName = "Basalt Swift client"
    static let driverVersion = "0.1.0"

    /// The settings the client was connected with.
    public let configuration: Configuration
    let group: MultiThreadedEventLoopGroup
    /// One per event loop, for `withEventLoopAffinity`.
    let executors: [EventLoopTaskExecutor]
    let control: ControlConnection
    let timestamps = TimestampGenerator()
    private let topology = Mutex(Topology.empty)
    private let contactPoints: [Endpoint]
    private let currentKeyspace: Mutex<String?>
    private let roundRobin = Atomic<Int>(0)
    let preparedStatements = Mutex<[PreparedKey: PreparedStatement]>([:])
    private let isClosed = Atomic<Bool>(false)

    struct PreparedKey: Hashable {
        var keyspace: String?
        var query: String
    }

    private init(configuration: Configuration, contactPoints: [Endpoint]) {
        self.configuration = configuration
        self.contactPoints = contactPoints
        currentKeyspace = Mutex(configuration.keyspace)
        group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, configuration.eventLoopThreads))
        executors = group.makeIterator().map(EventLoopTaskExecutor.init)
        control = ControlConnection(group: group, configuration: configuration, contactPoints: contactPoints)
    }

    /// Connects to the cluster: the first contact point that answers tells the client every node
    /// (`system.peers`), and the client opens its pools to all of them before returning.
    ///
    /// - Parameter contactPoints: `host` or `host:port` (the port defaults to `configuration.port`).
    /// - Throws: `BasaltClientError.noHostAvailable` when no contact point answers.
    public static func connect(contactPoints: [String], configuration: Configuration = Configuration()) async throws -> BasaltClient {
        var endpoints: [Endpoint] = []
        for text in contactPoints {
            guard let endpoint = Endpoint(text, defaultPort: configuration.port) else {
                throw BasaltClientError.invalidValue(message: "contact point '\(text)' is not host or host:port")
            }
            endpoints.append(endpoint)
        }
        guard !endpoints.isEmpty else { throw BasaltClientError.invalidValue(message: "no contact points") }
        let client = BasaltClient(configuration: configuration, contactPoints: endpoints)
        do {
            let hosts = try await client.control.connect(to: endpoints)
            client.followControlConnection()
            await client.apply(hosts: hosts, waitForConnections: true)
            guard client.topology.withLock({ $0.pools.contains { $0.isUp } }) else {
                throw BasaltClientError.noHostAvailable(message: "no connection could be opened to any of \(hosts.map(\.endpoint))")
            }
            return client
        } catch {
            await client.close()
            throw error
        }
    }

    /// Closes every connection and stops the event loops. Requests still running fail.
    public func close() async {
        guard !isClosed.exchange(true, ordering: .relaxed) else { return }
        control.shutdown()
        let pools = topology.withLock { topology in
            defer { topology = .empty }
            return topology.pools
        }
        for pool in pools { pool.shutdown() }
        try? await group.shutdownGracefully()
    }

    /// The hosts the client knows, with their liveness now.
    public var hosts: [Host] {
        let topology = topology.withLock { $0 }
        return zip(topology.hosts, topology.pools).map { host, pool in
            var host = host
            host.isUp = pool.isUp
            return host
        }
    }

    /// The keyspace unqualified names resolve in: `configuration.keyspace` until a `USE` runs.
    public var keyspace: String? { currentKeyspace.withLock { $0 } }

    // MARK: Topology

    /// Applies a topology read: keeps the pools of known hosts, opens pools to new ones and
    /// closes those of hosts that left.
    private func apply(hosts: [Host], waitForConnections: Bool) async {
        let localDataCenter = configuration.localDataCenter ?? hosts.first?.dataCenter
        let (added, removed, candidates) = topology.withLock { topology in
            var pools: [HostPool] = []
            var added: [HostPool] = []
            for host in hosts {
                if let existing = topology.pools.first(where: { $0.endpoint == host.endpoint }) {
                    pools.append(existing)
                } else {
                    let pool = HostPool(
                        endpoint: host.endpoint, group: group, configuration: configuration,
                        keyspace: { [weak self] in self?.keyspace })
                    pools.append(pool)
                    added.append(pool)
                }
            }
            let removed = topology.pools.filter { pool in !hosts.contains { $0.endpoint == pool.endpoint } }
            topology = Topology(hosts: hosts, pools: pools, localDataCenter: localDataCenter)
            let up = pools.filter(\.isUp).map(\.endpoint)
            let candidates = up + pools.map(\.endpoint).filter { !up.contains($0) }
                + contactPoints.filter { contact in !pools.contains { $0.endpoint == contact } }
            return (added, removed, candidates)
        }
        control.setCandidates(candidates)
        for pool in removed {
            configuration.logger.info("host left the cluster", metadata: ["host": "\(pool.endpoint)"])
            pool.shutdown()
        }
        if waitForConnections {
            await withTaskGroup(of: Void.self) { group in
                for pool in added { group.addTask { await pool.openInitialConnections() } }
            }
        } else {
            for pool in added { Task { await pool.openInitialConnections() } }
        }
    }

    private func followControlConnection() {
        Task { [weak self, notices = control.notices] in
            for await notice in notices {
                guard let self else { return }
                await self.handle(notice)
            }
        }
    }

    private func handle(_ notice: ControlConnection.Notice) async {
        switch notice {
        case .hosts(let hosts):
            await apply(hosts: hosts, waitForConnections: false)
        case .event(.statusChange(let change, let address)):
            let endpoint = Endpoint(host: address.address.description, port: Int(address.port))
            guard let pool = topology.withLock({ $0.pool(for: endpoint) }) else {
                // A node we do not know is up: read the topology again to learn it.
                control.scheduleRefresh(after: .seconds(1))
                return
            }
            configuration.logger.info("node reported \(change.rawValue)", metadata: ["host": "\(endpoint)"])
            switch change {
            case .up: pool.reconnectNow()
            case .down: pool.suspend()
            }
        case .event(.topologyChange(let change, let address)):
            // A joining node announces itself before its tables are readable; give it a moment.
            configuration.logger.info("topology changed: \(change.rawValue)", metadata: ["host": "\(address)"])
            control.scheduleRefresh(after: .seconds(1))
        case .event(.schemaChange(let change)):
            schemaChanged(change)
        }
    }

    /// Prepared statements of a changed table stop trusting their cached result columns (an added
    /// column changes `SELECT *`); those of a dropped keyspace or table are forgotten.
    func schemaChanged(_ change: CQLSchemaChange) {
        let (keyspace, table): (String, String?) = switch change.target {
        case .keyspace(let keyspace): (keyspace, nil)
        case .table(let keyspace, let name): (keyspace, name)
        case .type(let keyspace, _), .function(let keyspace, _, _), .aggregate(let keyspace, _, _): (keyspace, nil)
        }
        preparedStatements.withLock { cache in
            for (key, statement) in cache {
                guard let target = statement.table, target.keyspace == keyspace, table == nil || target.name == table else {
                    continue
                }
                if change.change == .dropped {
                    cache[key] = nil
                } else {
                    statement.invalidateResultColumns()
                }
            }
        }
    }

    /// The pools to try for a request, in order.
    func plan(routingToken: Int64?) -> [HostPool] {
        let topology = topology.withLock { $0 }
        return topology.plan(routingToken: routingToken, rotation: roundRobin.wrappingAdd(1, ordering: .relaxed).oldValue)
    }

    /// Waits until some host is up or `deadline` passes; false if none came up. Called only when
    /// a whole query plan failed, so it always pauses a little first (no busy loop).
    func waitForHost(until deadline: NIODeadline) async -> Bool {
        let step = Duration.milliseconds(20)
        while !isClosed.load(ordering: .relaxed) {
            guard NIODeadline.now() + TimeAmount(step) < deadline else { return false }
            try? await Task.sleep(for: step)
            if topology.withLock({ $0.pools.contains { $0.isUp } }) { return true }
        }
        return false
    }

    var closed: Bool { isClosed.load(ordering: .relaxed) }

    /// After `USE` through one connection, every other connection (and every new one) follows.
    func keyspaceChanged(to keyspace: String) async {
        let changed = currentKeyspace.withLock { current -> Bool in
            defer { current = keyspace }
            return current != keyspace
        }
        guard changed else { return }
        let pools = topology.withLock { $0.pools }
        let deadline = NIODeadline.now() + TimeAmount(configuration.requestTimeout)
        await withTaskGroup(of: Void.self) { group in
            for pool in pools { group.addTask { await pool.use(keyspace, deadline: deadline) } }
        }
    }

    /// After a DDL statement, waits (up to `schemaAgreementTimeout`) until every live node reports
    /// the same schema version, so that a statement that follows finds the change on any node.
    func waitForSchemaAgreement() async {
        let deadline = ContinuousClock.now + configuration.schemaAgreementTimeout
        let topology = topology.withLock { $0 }
        while ContinuousClock.now < deadline {
            do {
                async let local = control.query("SELECT schema_version FROM system.local WHERE key='local'")
                async let peers = control.query("SELECT peer, rpc_address, schema_version FROM system.peers")
                guard let localRow = try await local.first else { return }
                let versions = SystemPeers.schemaVersions(local: localRow, peers: try await peers, port: configuration.port) {
                    topology.pool(for: $0)?.isUp ?? false
                }
                if versions.count <= 1 { return }
            } catch {
                // No control connection right now: agreement cannot be checked, so do not wait.
                return
            }
            try? await Task.sleep(for: .milliseconds(200))
        }
        configuration.logger.warning("nodes still disagree on the schema version after \(configuration.schemaAgreementTimeout)")
    }
}
