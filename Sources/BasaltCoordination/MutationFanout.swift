/// Which partitions of a multi-partition write each replica receives: one message per replica
/// holding all of its partitions, so a replica applies a batch as one mutation — one commit-log
/// record, atomic on that node — rather than one per partition (and a batch of many partitions on
/// few replicas costs a few messages, not one per partition). Pure: the coordinator sends what
/// this lists and feeds each replica's answer to the trackers of the partitions it carried.
public struct MutationFanout<Replica: Hashable & Sendable>: Sendable {
    public struct Share: Sendable {
        public var replica: ReplicaCandidate<Replica>
        /// Indices into the plans, in the order the write listed its partitions.
        public var partitions: [Int]
    }

    /// Live replicas with the partitions to send them, in order of first appearance.
    public private(set) var targets: [Share] = []
    /// Replicas known to be down with the partitions to hint for them.
    public private(set) var hinted: [Share] = []

    public init(_ plans: [WritePlan<Replica>]) {
        targets = Self.group(plans.map { $0.targets })
        hinted = Self.group(plans.map { $0.hinted })
    }

    private static func group(_ replicasByPartition: [[ReplicaCandidate<Replica>]]) -> [Share] {
        var shares: [Share] = []
        var position: [Replica: Int] = [:]
        for (partition, replicas) in replicasByPartition.enumerated() {
            for candidate in replicas {
                if let index = position[candidate.replica] {
                    shares[index].partitions.append(partition)
                } else {
                    position[candidate.replica] = shares.count
                    shares.append(Share(replica: candidate, partitions: [partition]))
                }
            }
        }
        return shares
    }
}
