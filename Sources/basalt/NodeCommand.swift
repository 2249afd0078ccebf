import ArgumentParser
import BasaltCore
import BasaltInternode
import BasaltReplication
import BasaltServer
import Foundation
import Logging

/// `basalt node decommission` / `basalt node removenode <host-id>`: topology changes asked of a
/// running node over its internode port (verbs DECOMMISSION and REMOVE_NODE), as an internode peer
/// of the node's cluster. The call returns when the node has moved the data; a refusal (fewer
/// nodes than a replication factor would remain, the node to remove is up, another change is
/// running) is printed and exits 1.
struct NodeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "node",
        abstract: "Topology changes: decommission a node, remove a dead one.",
        subcommands: [Decommission.self, RemoveNode.self])

    struct Target: ParsableArguments {
        @Option(help: "The node to ask (its listen address).") var host = "127.0.0.1"
        @Option(help: "YAML configuration the node runs with (for cluster_name and storage_port).") var config: String?
        @Option(name: .customLong("storage-port"), help: "The node's internode port (default: the configuration's).")
        var storagePort: Int?

        func request(_ verb: InternodeVerb, payload: [UInt8]) async throws -> StreamSummary {
            let configuration = try NodeConfiguration.load(path: config)
            var logger = Logger(label: "basalt.node")
            logger.logLevel = .error
            let messenger = InternodeMessenger(
                configuration: InternodeMessengerConfiguration(
                    clusterName: configuration.clusterName,
                    hostID: InternodeHostID(high: UInt64.random(in: 0...UInt64.max), low: UInt64.random(in: 0...UInt64.max)),
                    listenAddress: NodeAddress(host: "127.0.0.1", port: 0)),
                logger: logger)
            try await messenger.start()
            defer { Task { await messenger.shutdown() } }
            let node = NodeAddress(host: host, port: storagePort ?? configuration.storagePort)
            do {
                return try StreamSummary(decoding: try await messenger.request(verb, payload: payload, to: node, timeout: .seconds(86_400)))
            } catch InternodeError.remote(_, _, let response) {
                throw ValidationError("\(host) refused: \(response.message)")
            }
        }
    }

    struct Decommission: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Hand the node's ranges to their new owners, leave the ring, stop the node.")
        @OptionGroup var target: Target

        func run() async throws {
            let summary = try await target.request(.decommission, payload: [])
            print("decommissioned \(target.host): streamed \(summary)")
        }
    }

    struct RemoveNode: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "removenode",
            abstract: "Re-replicate a dead node's ranges from the survivors and remove it from the ring.")
        @Argument(help: "Host id of the dead node (scripts/cluster status shows it).") var hostID: String
        @OptionGroup var target: Target

        func run() async throws {
            guard let host = UUID(uuidString: hostID) else { throw ValidationError("\(hostID) is not a host id (a UUID)") }
            let payload = withUnsafeBytes(of: host.uuid) { Array($0) }
            let summary = try await target.request(.removeNode, payload: payload)
            print("removed \(hostID): streamed \(summary)")
        }
    }
}
