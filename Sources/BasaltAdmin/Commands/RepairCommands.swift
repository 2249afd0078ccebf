import BasaltReplication

/// Anti-entropy repair of the ranges this node replicates, and the history of past repairs.
enum RepairCommands {
    static func routes(_ node: AdminNode) -> [AdminRoute] {
        [
            AdminRoute(.post, "/repair", "repair this node's ranges with the other replicas (?keyspace=&table=&primary=true); answers at the end") {
                request in
                do {
                    let primary = request.argument("primary")
                    guard primary == nil || primary == "true" || primary == "false" else {
                        throw AdminError.badRequest("primary is true or false, not \(primary!)")
                    }
                    return try .json(await node.repairs.repair(keyspace: request.argument("keyspace"), table: request.argument("table"),
                                                               primaryOnly: primary == "true"))
                } catch let refusal as RepairError {
                    switch refusal {
                    case .unknownKeyspace, .unknownTable: throw AdminError.notFound(refusal.description)
                    case .tableWithoutKeyspace: throw AdminError.badRequest(refusal.description)
                    case .alreadyRunning: throw AdminError.conflict(refusal.description)
                    }
                }
            },
            AdminRoute(.get, "/repair/history", "the last repairs run on this node, newest last") { _ in
                try .json(RepairHistoryReport(repairs: node.repairs.history()))
            },
        ]
    }
}

public struct RepairHistoryReport: Codable, Hashable, Sendable {
    public var repairs: [RepairSummary]
}
