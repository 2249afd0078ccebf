/// `GET /status`: every node this node knows, as `nodetool status` lists them, grouped by data
/// center. `owns` is effective ownership (replicas of the keyspace given) or, without a keyspace,
/// the share of the ring whose primary range the node holds.
public struct StatusReport: Codable, Hashable, Sendable {
    public struct Node: Codable, Hashable, Sendable {
        /// `UN`, `DN`, `UJ`, `UL`...: up or down, then Normal, Joining, Leaving (`?` for unknown).
        public var state: String
        public var address: String
        public var loadBytes: Int
        public var tokens: Int
        public var owns: Double?
        public var hostID: String
        public var dataCenter: String
        public var rack: String

        public init(state: String, address: String, loadBytes: Int, tokens: Int, owns: Double?, hostID: String,
                    dataCenter: String, rack: String) {
            self.state = state
            self.address = address
            self.loadBytes = loadBytes
            self.tokens = tokens
            self.owns = owns
            self.hostID = hostID
            self.dataCenter = dataCenter
            self.rack = rack
        }
    }

    /// The keyspace whose replication `owns` counts, if one was given.
    public var keyspace: String?
    public var nodes: [Node]

    public init(keyspace: String?, nodes: [Node]) {
        self.keyspace = keyspace
        self.nodes = nodes
    }

    /// The two letters of the state column: up or down, then what gossip says the node is doing.
    public static func state(isAlive: Bool, status: String?) -> String {
        let doing = switch status {
        case "NORMAL", "SHUTDOWN": "N"
        case "BOOT": "J"
        case "LEAVING", "LEFT", "REMOVING": "L"
        case "MOVING": "M"
        default: "?"
        }
        return (isAlive ? "U" : "D") + doing
    }

    public var text: String {
        var sections: [String] = []
        for dataCenter in Set(nodes.map(\.dataCenter)).sorted() {
            let title = "Datacenter: \(dataCenter)"
            var table = TextTable(header: ["--", "Address", "Load", "Tokens", keyspace == nil ? "Owns" : "Owns (effective)",
                                           "Host ID", "Rack"])
            for node in nodes where node.dataCenter == dataCenter {
                table.rows.append([node.state, node.address, AdminFormat.bytes(node.loadBytes), "\(node.tokens)",
                                   node.owns.map(AdminFormat.percent) ?? "?", node.hostID, node.rack])
            }
            sections.append([title, String(repeating: "=", count: title.count), "Status=Up/Down",
                             "|/ State=Normal/Leaving/Joining/Moving", table.text].joined(separator: "\n"))
        }
        return sections.joined(separator: "\n\n")
    }
}
