import ArgumentParser
import BasaltQuery
import BasaltServer
import Foundation

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

    func run() async throws {
        var overrides: [String: String] = [:]
        overrides["listen_address"] = listenAddress
        overrides["native_transport_port"] = nativePort.map(String.init)
        overrides["data_directory"] = dataDirectory
        overrides["cluster_name"] = clusterName
        overrides["seeds"] = seeds
        let configuration = try NodeConfiguration.load(path: config, overrides: overrides)
        let runner = NodeRunner(configuration: configuration, makeHandler: Self.queryLayer(configuration))
        try await runner.run()
    }

    /// The real query layer over the node's storage, with the node's identity (kept in its data
    /// directory across restarts).
    static func queryLayer(_ configuration: NodeConfiguration) -> NodeRunner.HandlerFactory {
        { storage, events, logger in
            let local = try LocalNodeIdentity.loadOrCreate(directory: configuration.dataDirectory,
                                                           tokenCount: configuration.numTokens)
            let node = NodeIdentity(clusterName: configuration.clusterName, hostID: local.hostID,
                                    dataCenter: configuration.dataCenter, rack: configuration.rack, tokens: local.tokens,
                                    listenAddress: configuration.listenAddress, rpcAddress: configuration.listenAddress,
                                    nativePort: Int32(configuration.nativeTransportPort))
            let catalog = try SchemaCatalog.open(engine: storage)
            logger.info("schema loaded", metadata: ["keyspaces": "\(catalog.allKeyspaces.count)",
                                                    "schema_version": "\(catalog.schemaVersion)"])
            return QueryProcessor(engine: storage, catalog: catalog, node: node, events: events)
        }
    }
}
