import Testing
@testable import BasaltCore

/// The last-write-wins rules, case by case, and the slice bound rules.
@Suite struct ReconcileTests {
    static let live5 = Cell.live(column: 1, timestamp: 5, value: [1])
    static let live5b = Cell.live(column: 1, timestamp: 5, value: [2])
    static let live6 = Cell.live(column: 1, timestamp: 6, value: [0])
    static let dead5 = Cell.tombstone(column: 1, timestamp: 5, now: 10)
    static let dead5later = Cell.tombstone(column: 1, timestamp: 5, now: 20)
    static let expiring5 = Cell.expiring(column: 1, timestamp: 5, value: [0], ttl: 10, now: 10)

    static let cases: [(Cell, Cell, String)] = [
        (live6, live5, "higher timestamp wins"),
        (live6, dead5, "higher timestamp beats a tombstone"),
        (dead5, live5, "tombstone wins a timestamp tie"),
        (dead5, expiring5, "tombstone beats an expiring cell on a tie"),
        (dead5later, dead5, "later local deletion time between tombstones"),
        (expiring5, live5b, "expiring beats non-expiring on a tie"),
        (live5b, live5, "greater value on a full tie"),
    ]

    @Test(arguments: cases)
    func winnerSupersedesLoser(winner: Cell, loser: Cell, rule: String) {
        #expect(winner.supersedes(loser), "\(rule)")
        #expect(!loser.supersedes(winner), "\(rule) (reverse)")
    }

    static let sliceCases: [(ClusteringSlice, [UInt8], Bool)] = [
        (.all, [], true),
        (.prefix([1]), [1, 5], true),
        (.prefix([1]), [2, 0], false),
        (ClusteringSlice(start: ClusteringBound(prefix: [1], inclusive: false), end: .unbounded), [1, 9], false),
        (ClusteringSlice(start: ClusteringBound(prefix: [1], inclusive: false), end: .unbounded), [2], true),
        (ClusteringSlice(start: .unbounded, end: ClusteringBound(prefix: [1, 5], inclusive: false)), [1, 4], true),
        (ClusteringSlice(start: .unbounded, end: ClusteringBound(prefix: [1, 5], inclusive: false)), [1, 5], false),
        (ClusteringSlice(start: .unbounded, end: ClusteringBound(prefix: [1, 5], inclusive: true)), [1, 5], true),
        (ClusteringSlice(start: ClusteringBound(prefix: [1, 2], inclusive: true), end: ClusteringBound(prefix: [1], inclusive: true)), [1, 1], false),
    ]

    @Test(arguments: sliceCases)
    func sliceContains(slice: ClusteringSlice, clustering: [UInt8], expected: Bool) {
        #expect(slice.contains(Clustering(clustering)) == expected)
    }

    @Test func mergeIsCommutative() {
        var a = Row(clustering: .empty, cells: [Self.live5, Cell.live(column: 2, timestamp: 1, value: [7])])
        var b = Row(clustering: .empty, liveness: LivenessInfo(timestamp: 3), cells: [Self.dead5])
        let original = a
        a.merge(b)
        b.merge(original)
        #expect(a == b)
        #expect(a.cells.first == Self.dead5)
    }

    @Test func crcMatchesKnownVector() {
        // CRC-32C of "123456789" is 0xE3069283 (the standard check value).
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        let split = CRC32C.checksum(Array("6789".utf8), continuing: CRC32C.checksum(Array("12345".utf8)))
        #expect(split == 0xE306_9283)
    }
}
