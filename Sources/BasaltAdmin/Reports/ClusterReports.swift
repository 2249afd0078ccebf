/// `GET /ring`: every token of the ring with its owner, as `nodetool ring` lists them.
public struct RingReport: Codable, Hashable, Sendable {
    public struct Token: Codable, Hashable, Sendable {
        public var token: Int64
        public var address: String
        public var dataCenter: String
        public var rack: String
        /// `Up` or `Down`.
        public var status: String
        /// `Normal`, `Leaving`, `Joining`.
        public var state: String
        public var loadBytes: Int
        /// The share of the ring in the range this token ends.
        public var owns: Double
    }

    public var tokens: [Token]

    public var text: String {
        var sections: [String] = []
        for dataCenter in Set(tokens.map(\.dataCenter)).sorted() {
            let title = "Datacenter: \(dataCenter)"
            var table = TextTable(header: ["Address", "Rack", "Status", "State", "Load", "Owns", "Token"])
            for token in tokens where token.dataCenter == dataCenter {
                table.rows.append([token.address, token.rack, token.status, token.state, AdminFormat.bytes(token.loadBytes),
                                   AdminFormat.percent(token.owns), "\(token.token)"])
            }
            sections.append([title, String(repeating: "=", count: title.count), table.text].joined(separator: "\n"))
        }
        return sections.joined(separator: "\n\n")
    }
}

/// `GET /info`: this node, as `nodetool info` describes it.
public struct InfoReport: Codable, Hashable, Sendable {
    public var hostID: String
    public var address: String
    public var clusterName: String
    public var dataCenter: String
    public var rack: String
    public var status: String
    public var gossipGeneration: Int64
    public var loadBytes: Int
    public var tokens: Int
    public var uptimeSeconds: Double
    public var schemaVersion: String
    public var nativeAddress: String
    public var releaseVersion: String
    public var memtableBytes: Int
    public var commitLogBytes: Int

    public var text: String {
        let lines: [(String, String)] = [
            ("ID", hostID), ("Address", address), ("Cluster", clusterName), ("Data Center", dataCenter), ("Rack", rack),
            ("Status", status), ("Generation No", "\(gossipGeneration)"), ("Uptime", AdminFormat.duration(seconds: uptimeSeconds)),
            ("Load", AdminFormat.bytes(loadBytes)), ("Tokens", "\(tokens)"), ("Schema version", schemaVersion),
            ("Native Transport", nativeAddress), ("Release version", releaseVersion),
            ("Memtable space", AdminFormat.bytes(memtableBytes)), ("Commit log", AdminFormat.bytes(commitLogBytes)),
        ]
        let width = lines.map(\.0.count).max() ?? 0
        return lines.map { $0.0.padding(toLength: width, withPad: " ", startingAt: 0) + " : " + $0.1 }.joined(separator: "\n")
    }
}

/// `GET /describecluster`: the cluster's name and partitioner, and which nodes hold which schema
/// version (more than one version for long means schema changes are not reaching a node).
public struct DescribeClusterReport: Codable, Hashable, Sendable {
    public var name: String
    public var partitioner: String
    /// Schema version → addresses; nodes that are down are under `UNREACHABLE`.
    public var schemaVersions: [String: [String]]

    public var text: String {
        var lines = ["Cluster Information:", "\tName: \(name)", "\tPartitioner: \(partitioner)", "\tSchema versions:"]
        for (version, nodes) in schemaVersions.sorted(by: { $0.key < $1.key }) {
            lines.append("\t\t\(version): [\(nodes.joined(separator: ", "))]")
        }
        return lines.joined(separator: "\n")
    }
}

/// `GET /gossipinfo`: every endpoint's gossip state as this node has it.
public struct GossipInfoReport: Codable, Hashable, Sendable {
    public struct Endpoint: Codable, Hashable, Sendable {
        public var address: String
        public var isAlive: Bool
        public var generation: Int64
        public var heartbeat: Int64
        /// Application state name (`STATUS`, `LOAD`, ...) → `version:value`.
        public var states: [String: String]
    }

    public var endpoints: [Endpoint]

    public var text: String {
        endpoints.map { endpoint in
            var lines = ["/\(endpoint.address)", "  alive:\(endpoint.isAlive)", "  generation:\(endpoint.generation)",
                         "  heartbeat:\(endpoint.heartbeat)"]
            for (name, value) in endpoint.states.sorted(by: { $0.key < $1.key }) { lines.append("  \(name):\(value)") }
            return lines.joined(separator: "\n")
        }.joined(separator: "\n")
    }
}
