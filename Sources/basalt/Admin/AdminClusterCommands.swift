import ArgumentParser
import BasaltAdmin

struct AdminRing: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ring", abstract: "Every token with its node, state, load and ownership.")
    @OptionGroup var connection: AdminConnection

    func run() async throws {
        try await connection.show(.get, "/ring", as: RingReport.self) { $0.text }
    }
}

struct AdminInfo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "info", abstract: "This node: host id, location, load, uptime, schema.")
    @OptionGroup var connection: AdminConnection

    func run() async throws {
        try await connection.show(.get, "/info", as: InfoReport.self) { $0.text }
    }
}

struct AdminDescribeCluster: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "describecluster",
                                                    abstract: "Cluster name, partitioner, schema versions per node.")
    @OptionGroup var connection: AdminConnection

    func run() async throws {
        try await connection.show(.get, "/describecluster", as: DescribeClusterReport.self) { $0.text }
    }
}

struct AdminGossipInfo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "gossipinfo", abstract: "Every endpoint's gossip state.")
    @OptionGroup var connection: AdminConnection

    func run() async throws {
        try await connection.show(.get, "/gossipinfo", as: GossipInfoReport.self) { $0.text }
    }
}
