import BasaltCQLProtocol

/// Reads the cluster's members from `system.local` and `system.peers` rows, with the validity
/// rules of the python driver: a peer row without an address, host id, data center, rack or
/// (when the column exists) tokens is a node half-way through joining or leaving, and is skipped.
enum SystemPeers {
    static let localQuery = "SELECT * FROM system.local WHERE key='local'"
    static let peersQuery = "SELECT * FROM system.peers"

    /// Every host: the local node at `localEndpoint` (the address the control connection reached,
    /// since its own `rpc_address` may be a wildcard), then each valid peer on `port`.
    static func hosts(local: Row, localEndpoint: Endpoint, peers: [Row], port: Int) -> [Host] {
        var hosts = [host(local, endpoint: localEndpoint)]
        for row in peers {
            guard let endpoint = peerEndpoint(row, port: port), endpoint != localEndpoint else { continue }
            let host = host(row, endpoint: endpoint)
            let hasTokensColumn = row.columns.index(of: "tokens") != nil
            guard host.hostID != nil, host.dataCenter?.isEmpty == false, host.rack?.isEmpty == false,
                !hasTokensColumn || !host.tokens.isEmpty,
                !hosts.contains(where: { $0.endpoint == endpoint })
            else { continue }
            hosts.append(host)
        }
        return hosts
    }

    /// `rpc_address`, unless it is missing or a wildcard, in which case the node listens on
    /// `peer` (as Cassandra's own drivers resolve it).
    static func peerEndpoint(_ row: Row, port: Int) -> Endpoint? {
        let rpcAddress = (try? row.get(CQLInet?.self, "rpc_address")) ?? nil
        let peer = (try? row.get(CQLInet?.self, "peer")) ?? nil
        guard let address = rpcAddress.flatMap({ isWildcard($0) ? nil : $0 }) ?? peer else { return nil }
        return Endpoint(host: address.description, port: port)
    }

    private static func isWildcard(_ address: CQLInet) -> Bool { address.bytes.allSatisfy { $0 == 0 } }

    private static func host(_ row: Row, endpoint: Endpoint) -> Host {
        let tokens = ((try? row.get([String]?.self, "tokens")) ?? nil)?.compactMap { Int64($0) } ?? []
        return Host(
            endpoint: endpoint,
            dataCenter: (try? row.get(String?.self, "data_center")) ?? nil,
            rack: (try? row.get(String?.self, "rack")) ?? nil,
            hostID: (try? row.get(CQLUUID?.self, "host_id")) ?? nil,
            tokens: tokens)
    }

    /// The distinct schema versions the local node and its live peers report (schema agreement).
    static func schemaVersions(local: Row, peers: [Row], port: Int, isUp: (Endpoint) -> Bool) -> Set<CQLUUID> {
        var versions = Set<CQLUUID>()
        if let version = (try? local.get(CQLUUID?.self, "schema_version")) ?? nil { versions.insert(version) }
        for row in peers {
            // Peers that are down cannot take the schema now; they are not waited for.
            guard let endpoint = peerEndpoint(row, port: port), isUp(endpoint),
                let version = (try? row.get(CQLUUID?.self, "schema_version")) ?? nil
            else { continue }
            versions.insert(version)
        }
        return versions
    }
}
