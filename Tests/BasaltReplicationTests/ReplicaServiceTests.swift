import BasaltCoordination
import BasaltCore
import BasaltQuery
import BasaltStorage
import Foundation
import Testing
@testable import BasaltReplication

/// A replica's handlers against real storage in a temp directory.
final class ReplicaNode: @unchecked Sendable {
    let directory = "/tmp/basalt-replica-\(UUID().uuidString)"
    let engine: StorageEngine
    let hints: HintStore
    let catalog: SchemaCatalog
    let service: ReplicaService
    let table: UUID

    init(table: UUID = UUID(), gcGraceSeconds: Int32 = 100) throws {
        self.table = table
        engine = try StorageEngine(configuration: StorageConfiguration(directory: directory))
        hints = try HintStore(engine: engine, configuration: HintStore.Configuration(maximumWindowSeconds: 60, maximumBytesPerHost: 400))
        catalog = try SchemaCatalog.open(engine: engine)
        service = ReplicaService(engine: engine, catalog: catalog)
        _ = try engine.openTable(table, options: TableOptions(name: "ks.t", gcGraceSeconds: gcGraceSeconds))
    }

    deinit {
        try? engine.close()
        try? FileManager.default.removeItem(atPath: directory)
    }

    func update(_ key: UInt8, _ clustering: UInt8, timestamp: Int64) -> PartitionUpdate {
        var update = PartitionUpdate(table: table, key: PartitionKey([key]))
        update.rows = [Row(clustering: Clustering([clustering]), cells: [.live(column: 1, timestamp: timestamp, value: [clustering])])]
        return update
    }
}

@Suite struct ReplicaServiceTests {
    @Test func mutationsReadsDigestsAndRanges() async throws {
        let node = try ReplicaNode()
        for key in UInt8(0)..<50 {
            _ = try await node.service.applyMutation(DataCodec.encode(Mutation([node.update(key, 1, timestamp: 10)])))
        }
        let command = ReadCommand(table: node.table, key: PartitionKey([7]), slice: .all)
        let data = try ReadDataResponse.decode(try node.service.readData(command.encoded()))
        #expect(data?.rows.first?.cells.first?.value == [1])
        #expect(try PartitionDigest(decoding: try node.service.readDigest(command.encoded())) == PartitionDigest(of: data))
        let missing = ReadCommand(table: node.table, key: PartitionKey([99]), slice: .all)
        #expect(try ReadDataResponse.decode(try node.service.readData(missing.encoded())) == nil)

        // Paging through the whole ring with a small limit returns every partition once, in token order.
        var seen: [PartitionKey] = []
        var start: PartitionKey?
        while true {
            let answer = try RangeReadResponse(decoding: try node.service.rangeRead(
                RangeReadCommand(table: node.table, start: start, inclusive: false, endToken: nil, limit: 7).encoded()))
            seen += answer.partitions.map(\.key)
            if answer.exhausted { break }
            start = answer.partitions.last?.key
        }
        #expect(seen.count == 50 && seen == seen.sorted())
    }

    @Test func unknownTablesAndGarbageAreRefused() async throws {
        let node = try ReplicaNode()
        var stranger = node.update(1, 1, timestamp: 1)
        stranger.table = UUID()
        await #expect(throws: ReplicaError.self) { try await node.service.applyMutation(DataCodec.encode(Mutation([stranger]))) }
        await #expect(throws: DecodeError.self) { try await node.service.applyMutation([1, 2, 3]) }
        #expect(throws: DecodeError.self) { try node.service.readData([0xFF]) }
        #expect(throws: (any Error).self) { try node.service.rangeRead([]) }
    }

    @Test func hintsAreBoundedStoredAndDeliveredOnce() async throws {
        // A hint lives for the smallest gc_grace of its tables: a day, so that a test slowed to
        // minutes by a loaded machine does not see its first hints expire (it saw 7 of 8).
        let node = try ReplicaNode(gcGraceSeconds: 86_400)
        let host = UUID()
        let mutation = Mutation([node.update(1, 2, timestamp: 5)])
        #expect(try await node.hints.store(mutation, for: host, downSeconds: 61) == false)
        #expect(try await node.hints.store(mutation, for: host, downSeconds: 1))
        #expect(try await node.hints.store(mutation, for: host, downSeconds: 1))
        var stored = 2
        while try await node.hints.store(mutation, for: host, downSeconds: 1) { stored += 1 }
        #expect(node.hints.statistics.droppedOutsideWindow == 1)
        #expect(node.hints.statistics.droppedOverSize == 1)
        #expect(node.hints.hostsWithHints == [host])

        let pending = try node.hints.hints(for: host, limit: 100)
        #expect(pending.count == stored)
        #expect(pending.first?.mutation == mutation)
        for hint in pending { try await node.hints.delivered(hint, for: host) }
        #expect(try node.hints.hints(for: host, limit: 100).isEmpty)
        #expect(node.hints.hostsWithHints.isEmpty)
    }
}
