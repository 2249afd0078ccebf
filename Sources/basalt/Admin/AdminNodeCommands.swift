import ArgumentParser
import BasaltAdmin
import BasaltReplication
import Foundation

struct AdminNetStats: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "netstats", abstract: "Streams in progress and repair activity.")
    @OptionGroup var connection: AdminConnection

    func run() async throws {
        try await connection.show(.get, "/netstats", as: NetStatsReport.self) { $0.text }
    }
}

struct AdminDrain: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drain", abstract: "Stop the node as SIGTERM does (peers told at once, memtables flushed); waits until it has.")
    @OptionGroup var connection: AdminConnection
    @Option(help: "Seconds to wait for the node to stop.") var wait = 60

    func run() async throws {
        try await connection.show(.post, "/drain", as: DrainReport.self) { _ in "draining \(connection.host)" }
        // The node closes its admin endpoint last but one, just before storage: once it refuses
        // connections, the drain is done or nearly so.
        let client = try connection.makeClient(timeout: .seconds(5))
        let deadline = ContinuousClock.now + .seconds(wait)
        while ContinuousClock.now < deadline {
            do {
                _ = try await client.raw(.get, "/info")
                try await Task.sleep(for: .milliseconds(200))
            } catch {
                if !connection.json { print("drained") }
                return
            }
        }
        FileHandle.standardError.write(Data("basalt admin: \(connection.host) still answers after \(wait) s\n".utf8))
        throw ExitCode.failure
    }
}

struct AdminRepair: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repair",
        abstract: "Compare this node's ranges with the other replicas (hash trees) and exchange the rows that differ.",
        discussion: "Answers once the repair is done; the node logs each range as it goes. Exits 1 if any range could not be repaired.")
    @OptionGroup var connection: AdminConnection
    @Flag(name: [.customLong("pr"), .customLong("partitioner-range")],
          help: "Only the ranges this node is the primary replica of (run on every node, each range is repaired once).")
    var primaryRange = false
    @OptionGroup var selection: TableSelection

    func run() async throws {
        try await connection.show(.post, "/repair", selection.arguments + [("primary", primaryRange ? "true" : nil)],
                                  as: RepairSummary.self, timeout: nil,
                                  render: { $0.text }, failed: { !$0.succeeded })
    }
}

struct AdminRepairHistory: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "repairhistory", abstract: "The last repairs run on this node.")
    @OptionGroup var connection: AdminConnection

    func run() async throws {
        try await connection.show(.get, "/repair/history", as: RepairHistoryReport.self) { $0.text }
    }
}
