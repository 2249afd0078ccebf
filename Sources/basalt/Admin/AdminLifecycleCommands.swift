import ArgumentParser
import BasaltAdmin

struct AdminDecommission: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decommission",
        abstract: "Hand the node's ranges to their new owners, leave the ring, stop the node.",
        discussion: "Answers once the data has moved; refused (exit 1) if fewer nodes than a keyspace's replication factor would remain.")
    @OptionGroup var connection: AdminConnection

    func run() async throws {
        try await connection.show(.post, "/decommission", as: TopologyChangeReport.self, timeout: nil) {
            "decommissioned \(connection.host): \($0.text)"
        }
    }
}

struct AdminRemoveNode: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "removenode",
        abstract: "Re-replicate a dead node's ranges from the survivors and remove it from the ring.",
        discussion: "Run on any live node; refused (exit 1) if the node is up.")
    @OptionGroup var connection: AdminConnection
    @Argument(help: "Host id of the dead node (basalt admin status shows it).") var hostID: String

    func run() async throws {
        try await connection.show(.post, "/removenode", [("host_id", hostID)], as: TopologyChangeReport.self, timeout: nil) {
            "removed \(hostID): \($0.text)"
        }
    }
}
