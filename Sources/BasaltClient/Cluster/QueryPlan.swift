/// The order in which a request tries hosts: the replicas of its partition first (token-aware),
/// then the other hosts of the local data center, then the remote ones; each group rotated by a
/// counter so that load without a routing key spreads round-robin. Hosts that are down are left
/// out. A pure function of its inputs.
enum QueryPlan {
    /// - Parameters:
    ///   - replicas: host indexes holding the partition, in preference order (empty if unknown).
    ///   - dataCenters: each host's data center.
    ///   - isUp: each host's liveness.
    ///   - rotation: any integer; consecutive requests pass consecutive values.
    static func order(
        replicas: [Int], dataCenters: [String?], localDataCenter: String?, isUp: [Bool], rotation: Int
    ) -> [Int] {
        precondition(dataCenters.count == isUp.count)
        let count = isUp.count
        func isLocal(_ host: Int) -> Bool { localDataCenter == nil || dataCenters[host] == localDataCenter }
        var plan: [Int] = []
        plan.reserveCapacity(count)
        // Replicas in a remote data center are not preferred: crossing data centers costs more
        // than a local coordinator forwarding the request.
        for replica in replicas where isUp[replica] && isLocal(replica) && !plan.contains(replica) { plan.append(replica) }
        guard count > 0 else { return plan }
        let replicaCount = plan.count
        let start = Int(UInt(bitPattern: rotation) % UInt(count))
        var remote: [Int] = []
        for offset in 0..<count {
            let host = (start + offset) % count
            // Only the replicas (a handful) can already be in the plan.
            guard isUp[host], !plan.prefix(replicaCount).contains(host) else { continue }
            if isLocal(host) { plan.append(host) } else { remote.append(host) }
        }
        return plan + remote
    }
}
