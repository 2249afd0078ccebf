import BasaltCoordination
import BasaltCore
import Testing
@testable import BasaltReplication

/// A replica's REPAIR_TREE answers over real storage: the same data gives the same root (and only
/// "same" goes back), writes after the cutoff do not count, a missing partition shows in its leaf.
@Suite struct RepairTreeServiceTests {
    static func fill(_ node: ReplicaNode, keys: Range<UInt8>, timestamp: Int64) async throws {
        for key in keys {
            _ = try await node.service.applyMutation(DataCodec.encode(Mutation([node.update(key, 1, timestamp: timestamp)])))
        }
    }

    @Test func replicasAgreeUntilOneMissesAPartition() async throws {
        let a = try ReplicaNode()
        let b = try ReplicaNode(table: a.table)
        try await Self.fill(a, keys: 0..<40, timestamp: 10)
        try await Self.fill(b, keys: 0..<40, timestamp: 10)
        // Written after the cutoff (20) on one replica only: not a difference.
        try await Self.fill(a, keys: 40..<45, timestamp: 30)
        let mine = try a.service.repairTree(table: a.table, start: .min, end: .max, depth: 6, cutoff: 20)
        #expect(mine.partitions == 40)
        let root = RepairTreeRequest(table: a.table, start: .min, end: .max, depth: 6, cutoff: 20, level: 6, nodes: [0])
        #expect(try RepairTreeResponse(decoding: try b.service.repairTree(root.encoded()))
            == RepairTreeResponse(partitions: 40, hashes: [mine.root]))

        try await Self.fill(a, keys: 45..<46, timestamp: 15)
        let changed = try a.service.repairTree(table: a.table, start: .min, end: .max, depth: 6, cutoff: 20)
        let leaves = RepairTreeRequest(table: a.table, start: .min, end: .max, depth: 6, cutoff: 20, level: 0, nodes: Array(0..<64))
        let answer = try RepairTreeResponse(decoding: try b.service.repairTree(leaves.encoded()))
        let ours = try #require(changed.levels.hashes(atLevel: 0, Array(0..<64)))
        let differing = Set((0..<64).filter { ours[$0] != answer.hashes[$0] })
        let token = PartitionKey([45]).token
        #expect(differing == [changed.leaf(of: token)])
        let ranges = changed.ranges(ofDifferingLeaves: differing)
        #expect(ranges.contains { $0.start < token && token <= $0.end })
    }

    @Test(arguments: [
        [(Int64(0), Int64(10)), (5, 20), (30, 40), (40, 50)],
        [(Int64(30), Int64(40)), (0, 10)],
    ])
    func unionMergesOverlappingAndTouchingRanges(_ ranges: [(Int64, Int64)]) {
        let merged = RepairSession.union(ranges.map { (start: $0.0, end: $0.1) }).map { [$0.start, $0.end] }
        #expect(merged == (ranges.count == 4 ? [[0, 20], [30, 50]] : [[0, 10], [30, 40]]))
    }
}
