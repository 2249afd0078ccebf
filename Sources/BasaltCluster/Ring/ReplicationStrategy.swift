import BasaltCore
/// How a keyspace chooses the nodes that hold a copy of each range (Cassandra's replication
/// strategies), computed exactly as Cassandra and the Python driver (`cassandra/metadata.py`) do, so
/// that drivers route to replicas and the coordinator writes to the same ones.
public enum ReplicationStrategy: Hashable, Sendable, CustomStringConvertible {
    /// `SimpleStrategy`: walk the ring clockwise from the range's token, taking each node not yet
    /// chosen, until `replicationFactor` nodes (or every node) are chosen. Ignores data centers.
    case simple(replicationFactor: Int)
    /// `NetworkTopologyStrategy`: per data center, walk that data center's tokens clockwise, taking
    /// nodes on racks not yet used first; a node on an already used rack is set aside and appended
    /// (in ring order) once every rack of the data center holds a replica. Data centers absent from
    /// the map or with factor 0 hold no replicas.
    case networkTopology([String: Int])
    /// `LocalStrategy`: the node itself holds everything (system keyspaces). It has no replicas from
    /// a client's point of view (the driver routes such keyspaces to any host).
    case local

    public var description: String {
        switch self {
        case let .simple(factor): "SimpleStrategy(replication_factor: \(factor))"
        case let .networkTopology(factors):
            "NetworkTopologyStrategy(\(factors.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")))"
        case .local: "LocalStrategy"
        }
    }

    /// The replicas of every ring range, indexed like `ring.tokens` (the list at `i` holds the
    /// replicas of `(tokens[i-1], tokens[i]]`). `localNode` is the replica of `.local` (none if nil).
    ///
    /// Order: `.simple` lists replicas in ring order from the range. `.networkTopology` matches the
    /// Python driver: data centers in order of their first token on the ring (from the lowest token),
    /// and within a data center, distinct racks first, then the set-aside same-rack nodes.
    public func replicaLists(in ring: TokenRing, localNode: NodeAddress? = nil) -> [[NodeAddress]] {
        switch self {
        case let .simple(factor):
            return ring.tokens.indices.map { simpleReplicas(from: $0, in: ring, factor: factor) }
        case let .networkTopology(factors):
            let layout = DataCenterLayout(ring: ring)
            return ring.tokens.indices.map { layout.replicas(from: $0, factors: factors) }
        case .local:
            return Array(repeating: localNode.map { [$0] } ?? [], count: ring.tokens.count)
        }
    }

    private func simpleReplicas(from index: Int, in ring: TokenRing, factor: Int) -> [NodeAddress] {
        var replicas: [NodeAddress] = []
        let count = ring.tokens.count
        var step = 0
        // At most one lap: a factor above the node count yields every node once.
        while replicas.count < factor && step < count {
            let owner = ring.owners[(index + step) % count]
            if !replicas.contains(owner) { replicas.append(owner) }
            step += 1
        }
        return replicas
    }
}

/// What NetworkTopologyStrategy needs to know about the ring, computed once per ring rather than
/// once per range: each data center's ring positions, racks and node count, and the order in which
/// data centers first appear on the ring (the order the driver's replica lists follow).
private struct DataCenterLayout {
    let ring: TokenRing
    /// Data center names in order of their first token on the ring.
    var order: [String] = []
    /// Per data center, the ring indices of its tokens, ascending.
    var positions: [String: [Int]] = [:]
    var rackCounts: [String: Int] = [:]
    var nodeCounts: [String: Int] = [:]

    init(ring: TokenRing) {
        self.ring = ring
        var racks: [String: Set<String>] = [:]
        var nodes: [String: Set<NodeAddress>] = [:]
        for (index, owner) in ring.owners.enumerated() {
            guard let location = ring.location(of: owner) else {
                preconditionFailure("ring owner \(owner) has no location")
            }
            let dataCenter = location.dataCenter
            if positions[dataCenter] == nil { order.append(dataCenter) }
            positions[dataCenter, default: []].append(index)
            racks[dataCenter, default: []].insert(location.rack)
            nodes[dataCenter, default: []].insert(owner)
        }
        rackCounts = racks.mapValues(\.count)
        nodeCounts = nodes.mapValues(\.count)
    }

    func replicas(from index: Int, factors: [String: Int]) -> [NodeAddress] {
        var replicas: [NodeAddress] = []
        for dataCenter in order {
            guard let factor = factors[dataCenter], factor > 0, let dataCenterPositions = positions[dataCenter] else {
                continue
            }
            appendReplicas(in: dataCenter, factor: factor, positions: dataCenterPositions, from: index, to: &replicas)
        }
        return replicas
    }

    /// One data center's share of a replica list: the driver's loop, walking the data center's tokens
    /// once around from the first one at or after `index`.
    private func appendReplicas(in dataCenter: String, factor: Int, positions: [Int], from index: Int,
                                to replicas: inout [NodeAddress]) {
        let rackCount = rackCounts[dataCenter] ?? 0
        let nodeCount = nodeCounts[dataCenter] ?? 0
        // First position at or after `index` (positions are ascending; past the end wraps to 0).
        var first = 0
        var high = positions.count
        while first < high {
            let middle = (first + high) / 2
            if positions[middle] < index { first = middle + 1 } else { high = middle }
        }
        var remaining = factor
        var placedHere = 0
        var racksPlaced: Set<String> = []
        var skipped: [NodeAddress] = []
        for step in 0..<positions.count {
            if remaining == 0 || placedHere == nodeCount { break }
            let owner = ring.owners[positions[(first + step) % positions.count]]
            if replicas.contains(owner) { continue }
            let rack = ring.location(of: owner)?.rack ?? ""
            if racksPlaced.contains(rack) && racksPlaced.count < rackCount {
                // Unlike the driver (3.30), set a node aside only once: with vnodes it can come round
                // again before the last rack is placed, and the driver then lists it twice. Cassandra
                // never repeats a replica; this yields Cassandra's set in the driver's order.
                if !skipped.contains(owner) { skipped.append(owner) }
                continue
            }
            replicas.append(owner)
            placedHere += 1
            remaining -= 1
            racksPlaced.insert(rack)
            if racksPlaced.count == rackCount {
                for setAside in skipped {
                    if remaining == 0 { break }
                    replicas.append(setAside)
                    remaining -= 1
                }
                skipped.removeAll()
            }
        }
    }
}
