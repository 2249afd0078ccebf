import BasaltReplication
import Foundation

/// Topology changes: decommission this node, remove a dead one. Both answer once the data has
/// moved (`ClusterNode.decommission`, `ClusterNode.removeNode`); a refusal — a replication factor
/// that could not be met, a node that is up, another change running — is a 409 with the reason.
enum LifecycleCommands {
    static func routes(_ node: AdminNode) -> [AdminRoute] {
        [
            AdminRoute(.post, "/decommission", "hand this node's ranges to their new owners, leave the ring, exit") { _ in
                let summary = try await refusing { try await node.cluster.decommission() }
                var response = try AdminResponse.json(TopologyChangeReport(summary))
                // After the answer is out: the node stops as on SIGTERM, closing this endpoint too.
                response.afterWrite = node.cluster.stopProcessAfterLeaving
                return response
            },
            AdminRoute(.post, "/removenode", "re-replicate a dead node's ranges (?host_id=) and remove it from the ring") { request in
                guard let text = request.argument("host_id") else { throw AdminError.badRequest("removenode needs ?host_id=") }
                guard let host = UUID(uuidString: text) else { throw AdminError.badRequest("\(text) is not a host id") }
                return try .json(TopologyChangeReport(try await refusing { try await node.cluster.removeNode(hostID: host) }))
            },
        ]
    }

    private static func refusing(_ body: () async throws -> StreamSummary) async throws -> StreamSummary {
        do {
            return try await body()
        } catch let refusal as LifecycleError {
            throw AdminError.conflict(refusal.description)
        }
    }
}

/// What a topology change streamed.
public struct TopologyChangeReport: Codable, Hashable, Sendable {
    public var partitions: Int
    public var rows: Int
    public var bytes: Int

    init(_ summary: StreamSummary) {
        partitions = summary.partitions
        rows = summary.rows
        bytes = summary.bytes
    }

    public var text: String { "streamed \(partitions) partitions, \(rows) rows, \(AdminFormat.bytes(bytes))" }
}
