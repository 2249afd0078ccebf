import ArgumentParser
import BasaltAdmin
import BasaltCore
import BasaltInternode
import BasaltMetrics
import BasaltQuery
import BasaltReplication
import BasaltServer
import Foundation
import Logging
import Synchronization

/// `basalt start`: runs one node from a YAML config (template: `cluster/basalt.yaml`); flags override
/// the file. Prints `basalt: node ready on <host>:<port>` once it serves CQL; SIGTERM or SIGINT
/// stops it cleanly (in-flight requests finish, the commit log is synced).
struct Start: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run a Basalt node.")

    @Option(help: "YAML configuration file (keys as in cluster/basalt.yaml).") var config: String?
    @Option(name: .customLong("listen-address"), help: "Address to serve CQL on.") var listenAddress: String?
    @Option(name: .customLong("native-port"), help: "CQL native protocol port.") var nativePort: Int?
    @Option(name: .customLong("data-dir"), help: "Data directory (commit log, tables, node identity).") var dataDirectory: String?
    @Option(name: .customLong("cluster-name")) var clusterName: String?
    @Option(help: "Comma-separated seed addresses.") var seeds: String?
    @Option(name: .customLong("storage-port"), help: "Internode (gossip, replication) port.") var storagePort: Int?
    @Option(help: "AllowAllAuthenticator or PasswordAuthenticator.") var authenticator: String?
    @Option(help: "AllowAllAuthorizer or CassandraAuthorizer.") var authorizer: String?
    @Option(name: .customLong("replace-address"),
            help: "At the first start, take over the tokens of this dead node and stream its data (replace_address_first_boot).")
    var replaceAddress: String?
    @Option(name: .customLong("stream-throughput"),
            help: "Outbound streaming pace in megabits/s, 0 = unthrottled (stream_throughput_outbound_megabits_per_sec).")
    var streamThroughput: Int?
    @Option(name: .customLong("ring-delay-ms"), help: "Ring settle delay of topology changes, in ms (ring_delay_ms).")
    var ringDelay: Int?
    @Option(name: .customLong("admin-port"), help: "Admin endpoint port (basalt admin).") var adminPort: Int?
    @Option(name: .customLong("prometheus-port"), help: "Prometheus metrics port (GET /metrics), 0 = off.") var prometheusPort: Int?

    func run() async throws {
        var overrides: [String: String] = [:]
        overrides["listen_address"] = listenAddress
        overrides["native_transport_port"] = nativePort.map(String.init)
        overrides["data_directory"] = dataDirectory
        overrides["cluster_name"] = clusterName
        overrides["seeds"] = seeds
        overrides["storage_port"] = storagePort.map(String.init)
        overrides["replace_address_first_boot"] = replaceAddress
        overrides["stream_throughput_outbound_megabits_per_sec"] = streamThroughput.map(String.init)
        overrides["ring_delay_ms"] = ringDelay.map(String.init)
        overrides["admin_port"] = adminPort.map(String.init)
        overrides["prometheus_port"] = prometheusPort.map(String.init)
        overrides["authenticator"] = authenticator
        overrides["authorizer"] = authorizer
        var configuration = try NodeConfiguration.load(path: config, overrides: overrides)
        // From the environment, so the password need not be written in a file or a command line.
        if let password = ProcessInfo.processInfo.environment["BASALT_SUPERUSER_PASSWORD"], !password.isEmpty {
            configuration.superuserPassword = password
        }
        // Before anything opens: a TLS file that cannot be used stops the start with one line.
        let tls = try configuration.loadTLS()
        // `basalt admin drain` reaches the runner built after the factory that serves it.
        let built = Mutex<NodeRunner?>(nil)
        let runner = NodeRunner(configuration: configuration, clientTLS: tls.client,
                                makeHandler: try Self.node(configuration, tls: tls, drain: { built.withLock { $0 }?.requestStop() }))
        built.withLock { $0 = runner }
        try await runner.run()
    }

    /// The node over its storage: the cluster layer (gossip, the coordinator, hints), then the query
    /// layer on top of it, with the node's identity (kept in its data directory across restarts).
    static func node(_ configuration: NodeConfiguration, tls: NodeTLS,
                     drain: @escaping @Sendable () -> Void) throws -> NodeRunner.HandlerFactory {
        let cluster = try configuration.clusterNode(tls: tls)
        let hintWindow = Int64(configuration.maxHintWindowMilliseconds / 1000)
        return { storage, connections, logger in
            // Hints first: the commit-log replay (in the catalog's opening) must find their table open.
            let hints = try HintStore(engine: storage, configuration: HintStore.Configuration(maximumWindowSeconds: hintWindow))
            let catalog = try SchemaCatalog(engine: storage)
            let replay = try storage.replayCommitLog()
            // Records read, and what they left in memtables: records already flushed are skipped,
            // so after a drained stop the second figure is next to nothing.
            let replayed = storage.statistics.tables.reduce(0) { $0 + $1.memtablePartitions }
            logger.info("commit log replayed", metadata: ["segments": "\(replay.segmentsRead)", "records": "\(replay.recordsReplayed)",
                                                          "bytes": "\(replay.bytesReplayed)", "partitions_restored": "\(replayed)"])
            if let first = replay.corruptions.first {
                // Records that were once written are gone: the operator should repair this node.
                logger.error("commit log damaged before its end", metadata: ["damaged_regions": "\(replay.corruptions.count)",
                                                                             "first": "\(first)"])
            }
            logger.info("schema loaded", metadata: ["keyspaces": "\(catalog.allKeyspaces.count)",
                                                    "schema_version": "\(catalog.schemaVersion)"])
            let member = try await ClusterNode.start(configuration: cluster, engine: storage, catalog: catalog, hints: hints,
                                                     events: connections, logger: logger)
            let node = NodeIdentity(clusterName: configuration.clusterName, hostID: member.identity.hostID,
                                    dataCenter: configuration.dataCenter, rack: configuration.rack, tokens: member.identity.tokens,
                                    listenAddress: configuration.listenAddress, rpcAddress: configuration.listenAddress,
                                    nativePort: Int32(configuration.nativeTransportPort))
            let repairs = RepairCoordinator(node: member)
            if configuration.repairIntervalSeconds > 0 { repairs.repairEvery(.seconds(configuration.repairIntervalSeconds)) }
            let processor = QueryProcessor(engine: storage, catalog: catalog, node: node, events: connections,
                                           proxy: member.proxy, peers: member.state, clients: connections, repairs: repairs)
            let access = AccessControl(processor: processor, authenticates: configuration.requiresLogin,
                                       authorizes: configuration.checksPermissions,
                                       hashRounds: configuration.passwordHashRounds)
            processor.accessControl = access
            let metrics = MetricsRegistry()
            processor.observability = Self.observability(configuration, metrics: metrics, logger: logger)
            if configuration.requiresLogin {
                do {
                    try await Self.setUpSuperuser(access, password: configuration.superuserPassword, logger: logger)
                } catch {
                    await member.stop()
                    throw error
                }
            }
            let admin: AdminServer
            var metricsServer: AdminServer?
            do {
                let commands = AdminNode(clusterName: configuration.clusterName, cluster: member, engine: storage, catalog: catalog,
                                         repairs: repairs, startedAt: Date(), drain: drain)
                admin = try await AdminServer.start(host: configuration.listenAddress, port: configuration.adminPort,
                                                    router: AdminCommands.router(for: commands), tls: tls.admin,
                                                    access: configuration.requiresLogin ? access : nil, logger: logger)
                if configuration.prometheusPort > 0 {
                    metrics.addCollector(NodeMetricsCollector.collector(commands, connectedClients: { connections.clients.count }))
                    do {
                        metricsServer = try await AdminServer.start(host: configuration.listenAddress, port: configuration.prometheusPort,
                                                                    router: MetricsRoute.router(metrics), endpoint: .metrics,
                                                                    logger: logger)
                    } catch {
                        await admin.stop()
                        throw error
                    }
                }
            } catch {
                repairs.stop()
                await member.stop()
                throw error
            }
            return NodeServices(handler: processor, authenticator: access.authenticator, stop: { [metricsServer] in
                repairs.stop()
                await metricsServer?.stop()
                await admin.stop()
                await member.stop()
            })
        }
    }
}

extension Start {
    /// What the query processor records: request metrics while the metrics endpoint is on, statement
    /// statistics and the slow-query log as their settings say (0 turns each off).
    static func observability(_ configuration: NodeConfiguration, metrics: MetricsRegistry, logger: Logger) -> QueryObservability {
        let slowQueries = configuration.slowQueryLogTimeoutMilliseconds > 0
            ? SlowQueryLog(thresholdMilliseconds: configuration.slowQueryLogTimeoutMilliseconds) { entry in
                logger.warning("slow query", metadata: [
                    "statement": "\(entry.statement)", "keyspace": "\(entry.keyspace ?? "")", "consistency": "\(entry.consistency)",
                    "duration_ms": "\(Double(entry.durationNanoseconds) / 1e6)", "coordinator": "\(entry.coordinator)",
                    "replicas": "\(entry.replicas.joined(separator: ","))", "rows": "\(entry.rows)",
                ])
            }
            : nil
        return QueryObservability(
            requests: configuration.prometheusPort > 0 ? ClientRequestMetrics(registry: metrics) : nil,
            statements: configuration.statementStatsCapacity > 0 ? StatementStatistics(capacity: configuration.statementStatsCapacity) : nil,
            slowQueries: slowQueries, settings: configuration.settings)
    }

    /// The first start with authentication on creates the superuser. The roles' replicas may not be
    /// reachable for a moment after joining, so reading them is retried for a few seconds.
    static func setUpSuperuser(_ access: AccessControl, password: String?, logger: Logger) async throws {
        for attempt in 1...10 {
            switch try await access.setUpSuperuser(password: password) {
            case .created:
                logger.info("superuser created", metadata: ["role": "\(AccessControl.defaultSuperuser)"])
                return
            case .rolesExist:
                if password != nil { logger.info("roles exist: the superuser password setting is ignored") }
                return
            case .unknown(let reason):
                if attempt == 10 {
                    logger.warning("cannot read system_auth.roles; starting without creating a superuser",
                                   metadata: ["error": "\(reason)"])
                    return
                }
                try await Task.sleep(for: .seconds(1))
            }
        }
    }
}

extension NodeConfiguration {
    /// The cluster layer's settings: seeds are hosts reached on this node's storage port.
    func clusterNode(tls: NodeTLS) throws -> ClusterNode.Configuration {
        var initialTokens: [Int64]?
        if let text = initialToken, !text.isEmpty {
            let fields = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            let tokens = fields.compactMap { Int64($0) }
            guard tokens.count == fields.count, !tokens.isEmpty else {
                throw NodeConfigurationError.invalidValue(key: "initial_token", expected: "comma-separated 64-bit tokens")
            }
            initialTokens = tokens
        }
        var timeouts = ClusterStorageProxy.Timeouts()
        timeouts.write = .milliseconds(writeRequestTimeoutMilliseconds)
        timeouts.read = .milliseconds(readRequestTimeoutMilliseconds)
        timeouts.range = .milliseconds(rangeRequestTimeoutMilliseconds)
        var cluster = ClusterNode.Configuration(
            clusterName: clusterName, listenAddress: NodeAddress(host: listenAddress, port: storagePort),
            nativeHost: listenAddress, nativePort: nativeTransportPort, dataCenter: dataCenter, rack: rack,
            seeds: seeds.map { NodeAddress(host: $0, port: storagePort) }, numTokens: numTokens, initialTokens: initialTokens,
            phiConvictThreshold: phiConvictThreshold, hintedHandoffEnabled: hintedHandoffEnabled, timeouts: timeouts,
            dataDirectory: dataDirectory, releaseVersion: NodeIdentity().releaseVersion)
        cluster.ringDelay = .milliseconds(ringDelayMilliseconds)
        cluster.streamThroughputMegabitsPerSecond = streamThroughputOutboundMegabitsPerSecond
        cluster.replaceAddress = replaceAddressFirstBoot.map { NodeAddress(host: $0, port: storagePort) }
        if let server = tls.internodeServer, let client = tls.internodeClient {
            cluster.tls = InternodeTLS(server: server, client: client)
        }
        return cluster
    }
}
