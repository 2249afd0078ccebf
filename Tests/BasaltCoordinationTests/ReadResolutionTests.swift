import BasaltCoordination
import BasaltCore
import Foundation
import Testing

@Suite struct ReadResolutionTests {
    static let table = UUID(uuidString: "00000000-0000-0000-0000-000000000001")!
    static let key = PartitionKey([1, 2, 3])

    static func update(_ cells: [(UInt8, Int64)], rangeTombstones: [RangeTombstone] = []) -> PartitionUpdate {
        var update = PartitionUpdate(table: table, key: key)
        update.rows = cells.map { clustering, timestamp in
            Row(clustering: Clustering([clustering]), cells: [Cell(column: 1, path: nil, timestamp: timestamp, ttl: 0, localDeletionTime: .max, value: [clustering])])
        }
        update.rangeTombstones = rangeTombstones
        update.normalize()
        return update
    }

    @Test func equalDataHasEqualDigestsWhateverTheTombstoneOrder() {
        let rt1 = RangeTombstone(slice: .prefix([9]), deletion: DeletionTime(markedForDeleteAt: 5, localDeletionTime: 1))
        let rt2 = RangeTombstone(slice: .prefix([8]), deletion: DeletionTime(markedForDeleteAt: 6, localDeletionTime: 1))
        let a = Self.update([(1, 10), (2, 20)], rangeTombstones: [rt1, rt2])
        let b = Self.update([(2, 20), (1, 10)], rangeTombstones: [rt2, rt1, rt2])
        #expect(PartitionDigest(of: a) == PartitionDigest(of: b))
        #expect(PartitionDigest(of: a) != PartitionDigest(of: Self.update([(1, 10), (2, 21)], rangeTombstones: [rt1, rt2])))
        #expect(PartitionDigest(of: nil) != PartitionDigest(of: Self.update([])))
    }

    @Test func mergeKeepsNewestFactsAndRepairsOnlyStaleReplicas() throws {
        let fresh = Self.update([(1, 10), (2, 30)])
        let stale = Self.update([(1, 10), (2, 20)])
        let merged = try #require(ReadResolution.merge([stale, nil, fresh]))
        #expect(merged.rows.map { $0.cells[0].timestamp } == [10, 30])
        let repairs = ReadResolution.repairs([("a", stale), ("b", nil), ("c", fresh)], merged: merged)
        #expect(repairs.map(\.replica) == ["a", "b"])
        #expect(ReadResolution.repairs([("a", nil), ("b", nil)], merged: ReadResolution.merge([nil, nil])).isEmpty)
    }
}
