import BasaltCluster
import BasaltCore
import BasaltReplication
import Foundation

/// What this node knows of the cluster: status, ring, info, describecluster, gossipinfo.
enum ClusterCommands {
    static func routes(_ node: AdminNode) -> [AdminRoute] {
        [
            AdminRoute(.get, "/status", "every node: state, address, load, tokens, ownership, host id, rack (?keyspace=)") { request in
                try .json(status(node, keyspace: request.argument("keyspace")))
            },
            AdminRoute(.get, "/ring", "every token with its node, state, load and ownership") { _ in try .json(ring(node)) },
            AdminRoute(.get, "/info", "this node: host id, data center, rack, load, uptime, schema version") { _ in
                try .json(info(node))
            },
            AdminRoute(.get, "/describecluster", "cluster name, partitioner, schema versions per node") { _ in
                try .json(describeCluster(node))
            },
            AdminRoute(.get, "/gossipinfo", "every endpoint's gossip state") { _ in try .json(gossipInfo(node)) },
        ]
    }

    static func status(_ node: AdminNode, keyspace name: String?) throws -> StatusReport {
        let state = node.state
        let ring = state.tokenRing
        let owns: [NodeAddress: Double]
        if let name {
            let keyspace = try node.keyspace(named: name)
            owns = ReplicaPlacement(ring: ring, strategy: ClusterState.strategy(of: keyspace), localNode: state.localAddress)
                .effectiveOwnership()
        } else {
            owns = ring.primaryOwnership()
        }
        let nodes = state.knownNodes.sorted().compactMap { address -> StatusReport.Node? in
            guard let endpoint = state.state(of: address) else { return nil }
            let status = endpoint[.status].flatMap(NodeStatus.init)
            // A node that has left the ring is not listed (nodetool drops it once it has gone).
            if case .left? = status { return nil }
            return StatusReport.Node(
                state: StatusReport.state(isAlive: state.isAlive(address), status: status?.name), address: address.host,
                loadBytes: Int(endpoint[.load] ?? "") ?? 0, tokens: ring.tokens(of: address).count, owns: owns[address],
                hostID: endpoint[.hostID] ?? "", dataCenter: endpoint[.dataCenter] ?? "", rack: endpoint[.rack] ?? "")
        }
        return StatusReport(keyspace: name, nodes: nodes)
    }

    static func ring(_ node: AdminNode) throws -> RingReport {
        let state = node.state
        let ring = state.tokenRing
        let tokens = ring.tokens.indices.map { index -> RingReport.Token in
            let address = ring.owners[index]
            let endpoint = state.state(of: address)
            let status = endpoint?[.status].flatMap(NodeStatus.init)
            let doing = switch status {
            case .leaving?, .removing?: "Leaving"
            case .bootstrapping?: "Joining"
            default: "Normal"
            }
            let location = ring.location(of: address)
            return RingReport.Token(
                token: ring.tokens[index], address: address.host, dataCenter: location?.dataCenter ?? "", rack: location?.rack ?? "",
                status: state.isAlive(address) ? "Up" : "Down", state: doing, loadBytes: Int(endpoint?[.load] ?? "") ?? 0,
                owns: ring.range(endingAt: index).fractionOfRing)
        }
        return RingReport(tokens: tokens)
    }

    static func info(_ node: AdminNode) throws -> InfoReport {
        let state = node.state
        let local = state.localAddress
        let endpoint = state.state(of: local)
        let statistics = node.engine.statistics
        return InfoReport(
            hostID: endpoint?[.hostID] ?? "", address: local.host, clusterName: node.clusterName,
            dataCenter: endpoint?[.dataCenter] ?? "", rack: endpoint?[.rack] ?? "",
            status: endpoint?[.status].flatMap(NodeStatus.init)?.name ?? "UNKNOWN",
            gossipGeneration: endpoint?.heartbeat.generation ?? 0,
            loadBytes: statistics.tables.reduce(0) { $0 + $1.liveBytes }, tokens: state.tokenRing.tokens(of: local).count,
            uptimeSeconds: Date().timeIntervalSince(node.startedAt), schemaVersion: node.catalog.schemaVersion.uuidString.lowercased(),
            nativeAddress: endpoint?[.nativeAddress] ?? "", releaseVersion: endpoint?[.releaseVersion] ?? "",
            memtableBytes: statistics.tables.reduce(0) { $0 + $1.memtableBytes }, commitLogBytes: statistics.commitLog.bytesOnDisk)
    }

    static func describeCluster(_ node: AdminNode) throws -> DescribeClusterReport {
        let state = node.state
        var versions: [String: [String]] = [:]
        for address in state.knownNodes.sorted() {
            let version = address == state.localAddress
                ? node.catalog.schemaVersion.uuidString.lowercased()
                : state.isAlive(address) ? state.schemaVersion(of: address)?.uuidString.lowercased() ?? "UNKNOWN" : "UNREACHABLE"
            versions[version, default: []].append(address.host)
        }
        return DescribeClusterReport(name: node.clusterName, partitioner: "org.apache.cassandra.dht.Murmur3Partitioner",
                                     schemaVersions: versions)
    }

    static func gossipInfo(_ node: AdminNode) throws -> GossipInfoReport {
        let state = node.state
        let endpoints = state.knownNodes.sorted().compactMap { address -> GossipInfoReport.Endpoint? in
            guard let endpoint = state.state(of: address) else { return nil }
            var states: [String: String] = [:]
            for (key, value) in endpoint.applicationStates { states["\(key)"] = "\(value.version):\(value.value)" }
            return GossipInfoReport.Endpoint(address: "\(address)", isAlive: state.isAlive(address),
                                             generation: endpoint.heartbeat.generation, heartbeat: endpoint.heartbeat.version,
                                             states: states)
        }
        return GossipInfoReport(endpoints: endpoints)
    }
}
