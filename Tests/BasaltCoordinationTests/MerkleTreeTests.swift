import BasaltCoordination
import BasaltCore
import Foundation
import BasaltTestSupport
import Testing

@Suite struct MerkleTreeTests {
    static func digest(_ seed: UInt64) -> PartitionDigest { PartitionDigest(high: seed &* 0x9E37_79B9_7F4A_7C15, low: seed | 1) }

    /// Each token lands in the leaf whose range holds it, and the leaves tile the range exactly.
    @Test(arguments: [
        (Int64.min, Int64.max, 4), (-100, 100, 3), (0, 5, 3), (10, 11, 0), (Int64.min, -1, 16), (-7, Int64.max, 1),
    ] as [(Int64, Int64, Int)])
    func leavesTileTheRange(_ start: Int64, _ end: Int64, _ depth: Int) {
        let tree = MerkleTree(start: start, end: end, depth: depth)
        #expect(tree.range(ofLeaf: 0).start == start && tree.range(ofLeaf: (1 << depth) - 1).end == end)
        for index in 1..<(1 << depth) { #expect(tree.range(ofLeaf: index).start == tree.range(ofLeaf: index - 1).end) }
        var random = SplitMix64(seed: UInt64(bitPattern: start ^ end) &+ UInt64(depth))
        let width = UInt64(bitPattern: end &- start)
        for token in [start &+ 1, end] + (0..<200).map({ _ in start &+ 1 &+ Int64(bitPattern: random.next() % width) }) {
            let leafRange = tree.range(ofLeaf: tree.leaf(of: token))
            #expect(leafRange.start < token && token <= leafRange.end, "token \(token) in leaf \(leafRange)")
        }
    }

    struct Case: Sendable, CustomStringConvertible {
        var name: String
        /// Tokens (with a digest seed) on each side; a token on both sides with different seeds differs.
        var mine: [(Int64, UInt64)]
        var theirs: [(Int64, UInt64)]
        var differences: [(Int64, Int64)]
        var description: String { name }
    }

    /// Over (0, 1600] at depth 4: sixteen leaves of 100 tokens each.
    @Test(arguments: [
        Case(name: "identical", mine: [(50, 1), (250, 2)], theirs: [(250, 2), (50, 1)], differences: []),
        Case(name: "both empty", mine: [], theirs: [], differences: []),
        Case(name: "one value differs", mine: [(50, 1), (250, 2)], theirs: [(50, 1), (250, 3)], differences: [(200, 300)]),
        Case(name: "one partition missing", mine: [(50, 1), (950, 2)], theirs: [(50, 1)], differences: [(900, 1000)]),
        Case(name: "adjacent leaves merge", mine: [(150, 1), (250, 2)], theirs: [], differences: [(100, 300)]),
        Case(name: "empty leaves between join", mine: [(150, 1), (750, 2)], theirs: [], differences: [(100, 800)]),
        Case(name: "an equal leaf with data splits", mine: [(150, 1), (450, 5), (750, 2)], theirs: [(450, 5)],
             differences: [(100, 200), (700, 800)]),
        Case(name: "first and last leaf", mine: [(1, 1), (1600, 2), (800, 3)], theirs: [(800, 3)],
             differences: [(0, 100), (1500, 1600)]),
    ])
    func differences(_ test: Case) throws {
        var mine = MerkleTree(start: 0, end: 1600, depth: 4)
        var theirs = MerkleTree(start: 0, end: 1600, depth: 4)
        for (token, seed) in test.mine { mine.add(token: token, digest: Self.digest(seed)) }
        for (token, seed) in test.theirs { theirs.add(token: token, digest: Self.digest(seed)) }
        let found = try mine.differences(with: theirs)
        #expect(found.map { [$0.start, $0.end] } == test.differences.map { [$0.0, $0.1] })
        #expect((mine.root == theirs.root) == test.differences.isEmpty)
        #expect(try theirs.differences(with: mine).map { [$0.start, $0.end] } == test.differences.map { [$0.0, $0.1] })
    }

    @Test func treesOfDifferentShapesAreRefused() {
        let a = MerkleTree(start: 0, end: 100, depth: 2)
        #expect(throws: MerkleTreeError.self) { try a.differences(with: MerkleTree(start: 0, end: 100, depth: 3)) }
        #expect(throws: MerkleTreeError.self) { try a.differences(with: MerkleTree(start: 1, end: 100, depth: 2)) }
    }

    /// Walking down from the root, asking only for the children of differing nodes, finds the same
    /// leaves as comparing every leaf.
    @Test func levelsNarrowDownToTheDifferingLeaves() throws {
        var mine = MerkleTree(start: 0, end: 1600, depth: 4)
        var theirs = MerkleTree(start: 0, end: 1600, depth: 4)
        for token in stride(from: Int64(50), to: 1600, by: 100) {
            mine.add(token: token, digest: Self.digest(UInt64(token)))
            if token != 450 && token != 1350 { theirs.add(token: token, digest: Self.digest(UInt64(token))) }
        }
        let (ourLevels, theirLevels) = (mine.levels, theirs.levels)
        #expect(ourLevels.hashes(atLevel: 4, [0]) == [mine.root] && ourLevels.hashes(atLevel: 5, [0]) == nil)
        #expect(ourLevels.hashes(atLevel: 3, [2]) == nil && ourLevels.depth == 4)
        var differing = [0]
        var asked = 0
        for level in stride(from: 4, through: 0, by: -1) {
            let nodes = level == 4 ? differing : differing.flatMap { [2 * $0, 2 * $0 + 1] }
            asked += nodes.count
            let ours = try #require(ourLevels.hashes(atLevel: level, nodes))
            let answer = try #require(theirLevels.hashes(atLevel: level, nodes))
            differing = zip(nodes, zip(ours, answer)).compactMap { $1.0 == $1.1 ? nil : $0 }
        }
        #expect(differing == [4, 13] && asked == 1 + 2 + 4 + 4 + 4)
        #expect(mine.ranges(ofDifferingLeaves: Set(differing)).map { [$0.start, $0.end] } == [[400, 500], [1300, 1400]])
        #expect(try mine.differences(with: theirs).map { [$0.start, $0.end] } == [[400, 500], [1300, 1400]])
    }

    @Test(arguments: [(0, 0), (1, 0), (2, 1), (3, 2), (1000, 10), (1024, 10), (1025, 11), (10_000_000, 16)])
    func depthFollowsThePartitionCount(_ partitions: Int, _ depth: Int) {
        #expect(MerkleTree.depth(forPartitions: partitions) == depth)
    }

    /// Seeded: two replicas drawn from one model, with a few partitions dropped or changed on one;
    /// every changed token lies in a reported range, and the ranges hold nothing else that differs.
    @Test(arguments: [1, 2, 3, 4, 5] as [UInt64])
    func randomizedAgainstAModel(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        var model: [Int64: UInt64] = [:]
        for _ in 0..<2000 { model[Int64(bitPattern: random.next())] = random.next() }
        var replica = model
        var changed: Set<Int64> = []
        for token in model.keys.sorted().prefix(60) where random.next() % 3 == 0 {
            if random.next() % 2 == 0 { replica[token] = nil } else { replica[token] = random.next() }
            changed.insert(token)
        }
        let depth = MerkleTree.depth(forPartitions: model.count)
        var mine = MerkleTree(start: .min, end: .max, depth: depth)
        var theirs = MerkleTree(start: .min, end: .max, depth: depth)
        for (token, value) in model where token != .min { mine.add(token: token, digest: Self.digest(value)) }
        for (token, value) in replica where token != .min { theirs.add(token: token, digest: Self.digest(value)) }
        let ranges = try mine.differences(with: theirs)
        for token in changed where token != .min {
            #expect(ranges.contains { $0.start < token && token <= $0.end }, "changed token \(token) not reported")
        }
        // Proportional to the difference: the reported ranges hold few partitions beyond the changed ones.
        let covered = model.keys.filter { token in ranges.contains { $0.start < token && token <= $0.end } }
        #expect(covered.count <= changed.count * 4 + 4)
    }
}

@Suite struct RepairTreeMessageTests {
    static let table = UUID(uuidString: "00112233-4455-6677-8899-aabbccddeeff")!

    @Test func requestGoldenBytes() throws {
        let request = RepairTreeRequest(table: Self.table, start: -2, end: 1 << 40, depth: 3, cutoff: 1_700_000_000_000_000,
                                        level: 1, nodes: [0, 3])
        let bytes = request.encoded()
        #expect(hexString(bytes) == "00112233445566778899aabbccddeeff" + "fffffffffffffffe" + "0000010000000000" + "03"
            + "00060a24181e4000" + "01" + "00000002" + "00000000" + "00000003")
        #expect(try RepairTreeRequest(decoding: bytes) == request)
        #expect(throws: DecodeError.self) { try RepairTreeRequest(decoding: bytes + [0]) }
        for cut in 0..<bytes.count {
            #expect(throws: DecodeError.self) { try RepairTreeRequest(decoding: Array(bytes.prefix(cut))) }
        }
    }

    /// Depth 3, level 1: four nodes (indices 0...3).
    @Test(arguments: [
        ("1100", "fffffffffffffffe 0000010000000000 11 0000000000000000 00 00000000"),  // depth over 16
        ("empty range", "0000000000000006 0000000000000006 03 0000000000000000 00 00000000"),
        ("level over depth", "fffffffffffffffe 0000010000000000 03 0000000000000000 04 00000000"),
        ("more nodes than the level has", "fffffffffffffffe 0000010000000000 03 0000000000000000 01 00000005"),
        ("index outside the level", "fffffffffffffffe 0000010000000000 03 0000000000000000 01 00000001 00000004"),
        ("huge count", "fffffffffffffffe 0000010000000000 10 0000000000000000 00 ffffffff"),
    ])
    func requestRefusesWhatNoTreeHas(_ name: String, _ hex: String) {
        let bytes = Self.bytes("00112233445566778899aabbccddeeff" + hex.filter { !$0.isWhitespace })
        #expect(throws: DecodeError.self, "\(name)") { try RepairTreeRequest(decoding: bytes) }
    }

    @Test func responseGoldenBytes() throws {
        let response = RepairTreeResponse(partitions: 300, hashes: [PartitionDigest(high: 1, low: 2), PartitionDigest(high: 3, low: 4)])
        let bytes = response.encoded()
        #expect(hexString(bytes) == "000000000000012c" + "00000002" + "0000000000000001" + "0000000000000002"
            + "0000000000000003" + "0000000000000004")
        #expect(try RepairTreeResponse(decoding: bytes) == response)
        for cut in 0..<bytes.count {
            #expect(throws: DecodeError.self) { try RepairTreeResponse(decoding: Array(bytes.prefix(cut))) }
        }
        #expect(throws: DecodeError.self) { try RepairTreeResponse(decoding: bytes + [0]) }
        // More hashes than the deepest tree has, and a huge count with no bytes behind it.
        #expect(throws: DecodeError.self) { try RepairTreeResponse(decoding: Self.bytes("0000000000000000" + "00010001")) }
        #expect(throws: DecodeError.self) { try RepairTreeResponse(decoding: Self.bytes("0000000000000000" + "ffffffff")) }
    }

    static func bytes(_ hex: String) -> [UInt8] { hexBytes(hex) }
}

@Suite struct RepairViewTests {
    static func cell(_ column: UInt32, at timestamp: Int64) -> Cell {
        Cell(column: column, path: nil, timestamp: timestamp, ttl: 0, localDeletionTime: .max, value: [UInt8(column)])
    }

    /// What a replica hashes: only facts written at or before the repair's cutoff.
    @Test func factsAfterTheCutoffAreLeftOut() {
        let key = PartitionKey([1])
        let table = RepairTreeMessageTests.table
        let old = Row(clustering: Clustering([1]), liveness: LivenessInfo(timestamp: 10), cells: [Self.cell(1, at: 10), Self.cell(2, at: 20)])
        let new = Row(clustering: Clustering([2]), liveness: LivenessInfo(timestamp: 20), cells: [Self.cell(1, at: 20)])
        let partition = PartitionUpdate(table: table, key: key, partitionDeletion: DeletionTime(markedForDeleteAt: 20, localDeletionTime: 5),
                                        rows: [old, new])
        let view = partition.asOf(15)
        #expect(view == PartitionUpdate(table: table, key: key, rows: [
            Row(clustering: Clustering([1]), liveness: LivenessInfo(timestamp: 10), cells: [Self.cell(1, at: 10)]),
        ]))
        #expect(partition.asOf(20) == partition)
        #expect(partition.asOf(5) == nil)
    }
}
