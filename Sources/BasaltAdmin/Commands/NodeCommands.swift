/// The node itself: drain (stop as SIGTERM does) and netstats.
enum NodeCommands {
    static func routes(_ node: AdminNode) -> [AdminRoute] {
        [
            AdminRoute(.post, "/drain", "stop the node: gossip SHUTDOWN, connections drained, memtables flushed, exit") { _ in
                var response = try AdminResponse.json(DrainReport(draining: true))
                // After the answer is out: the drain closes this endpoint too.
                response.afterWrite = node.drain
                return response
            },
            AdminRoute(.get, "/netstats", "streams in progress and repair activity") { _ in
                try .json(NetStatsReport(mode: "NORMAL", streams: [], repairRunning: node.repairs.isRunning))
            },
        ]
    }
}

public struct DrainReport: Codable, Hashable, Sendable {
    public var draining: Bool
}

/// `GET /netstats`: data moving between nodes. Bootstrap streaming is not built yet, so `streams`
/// is empty; repair moves rows as ordinary writes and shows here only as running or not.
public struct NetStatsReport: Codable, Hashable, Sendable {
    public struct Stream: Codable, Hashable, Sendable {
        public var peer: String
        public var direction: String
        public var bytes: Int
    }

    public var mode: String
    public var streams: [Stream]
    public var repairRunning: Bool

    public var text: String {
        var lines = ["Mode: \(mode)"]
        if streams.isEmpty {
            lines.append("Not sending any streams.")
        } else {
            for stream in streams { lines.append("\(stream.direction) \(stream.peer): \(AdminFormat.bytes(stream.bytes))") }
        }
        lines.append("Repair: " + (repairRunning ? "running" : "not running"))
        return lines.joined(separator: "\n")
    }
}
