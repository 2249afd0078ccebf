import BasaltCluster
import BasaltCore
import Foundation
import BasaltTestSupport
import Testing
@testable import BasaltReplication

/// Streaming's messages (golden bytes, `docs/formats/streaming.md`), its end-to-end chunk checks,
/// the source paging a table's token range against real storage, and the throttle.
@Suite struct StreamingTests {
    static let table = UUID(uuidString: "00112233-4455-6677-8899-aabbccddeeff")!
    static let tableHex = "00112233445566778899aabbccddeeff"

    @Test func streamReadCommandGoldenBytes() throws {
        let first = StreamReadCommand(table: Self.table, range: TokenRange(start: -100, end: 200), resume: nil, byteBudget: 1 << 20)
        #expect(hexString(first.encoded()) == Self.tableHex + "ffffffffffffff9c" + "00000000000000c8" + "00" + "00100000")
        #expect(try StreamReadCommand(decoding: first.encoded()) == first)
        let resumed = StreamReadCommand(table: Self.table, range: TokenRange(start: -100, end: 200),
                                        resume: PartitionKey(token: 5, bytes: []), byteBudget: 1 << 20)
        #expect(hexString(resumed.encoded())
            == Self.tableHex + "ffffffffffffff9c" + "00000000000000c8" + "01" + "0000000000000005" + "00" + "00100000")
        let real = StreamReadCommand(table: Self.table, range: TokenRange(start: .min, end: .max), resume: PartitionKey([0xAB]),
                                     byteBudget: 7)
        #expect(try StreamReadCommand(decoding: real.encoded()) == real)
        for bytes in [first.encoded(), resumed.encoded()] {
            #expect(throws: DecodeError.self) { try StreamReadCommand(decoding: bytes + [0]) }
            for cut in 0..<bytes.count {
                #expect(throws: DecodeError.self) { try StreamReadCommand(decoding: Array(bytes.prefix(cut))) }
            }
        }
    }

    @Test(arguments: [
        ("wrapping range", Self.tableHex + "00000000000000c8" + "ffffffffffffff9c" + "00" + "00100000"),
        ("empty range", Self.tableHex + "0000000000000001" + "0000000000000001" + "00" + "00100000"),
        ("unknown flag", Self.tableHex + "ffffffffffffff9c" + "00000000000000c8" + "02" + "00100000"),
        ("zero budget", Self.tableHex + "ffffffffffffff9c" + "00000000000000c8" + "00" + "00000000"),
        ("budget over 16 MiB", Self.tableHex + "ffffffffffffff9c" + "00000000000000c8" + "00" + "01000001"),
    ])
    func streamReadCommandRefusals(_ name: String, _ hex: String) {
        #expect(throws: DecodeError.self, "\(name)") { try StreamReadCommand(decoding: Self.bytes(hex)) }
    }

    static func bytes(_ hex: String) -> [UInt8] { hexBytes(hex) }

    static func partition(_ key: UInt8, rows: Int) -> PartitionUpdate {
        var update = PartitionUpdate(table: table, key: PartitionKey([key]))
        update.rows = (0..<rows).map { Row(clustering: Clustering([UInt8($0)]), cells: [.live(column: 1, timestamp: 42, value: [key])]) }
        return update
    }

    @Test func chunkGoldenBytesAndChecks() throws {
        // An empty last chunk: flags, no partitions, no rows, the CRC-32C of nothing (0).
        #expect(hexString(StreamChunk(partitions: [], isLast: true).encoded()) == "01" + "00" + "00" + "00000000")
        let chunk = StreamChunk(partitions: [Self.partition(1, rows: 2), Self.partition(2, rows: 1)], isLast: false)
        let bytes = chunk.encoded()
        #expect(Array(bytes.prefix(3)) == [0, 2, 3], "not last, 2 partitions, 3 rows")
        let decoded = try StreamChunk(decoding: bytes)
        #expect(decoded.partitions == chunk.partitions && !decoded.isLast)

        var flipped = bytes
        flipped[flipped.count - 1] ^= 0x01
        let error = #expect(throws: StreamChunkError.self) { try StreamChunk(decoding: flipped) }
        if case .checksumMismatch? = error {} else { Issue.record("expected a checksum mismatch, got \(String(describing: error))") }
        var body = ByteWriter()
        for partition in chunk.partitions { DataCodec.write(partition, to: &body) }
        let wrongRows = StreamChunk.encode(isLast: false, partitions: 2, rows: 4, body: body.bytes)
        #expect(throws: StreamChunkError.rowCountMismatch(expected: 4, decoded: 3)) { try StreamChunk(decoding: wrongRows) }
        for cut in 0..<bytes.count {
            #expect(throws: StreamChunkError.self) { try StreamChunk(decoding: Array(bytes.prefix(cut))) }
        }
    }

    @Test func fetchRequestAndSummaryGoldenBytes() throws {
        let request = StreamFetchRequest(items: [.init(table: Self.table, range: TokenRange(start: -100, end: 200),
                                                       sources: [NodeAddress(host: "127.0.0.1", port: 7000)])])
        #expect(hexString(request.encoded())
            == "01" + Self.tableHex + "ffffffffffffff9c" + "00000000000000c8" + "01" + "09" + "3132372e302e302e31" + "1b58")
        #expect(try StreamFetchRequest(decoding: request.encoded()) == request)
        let summary = StreamSummary(partitions: 3, rows: 300, bytes: 70_000)
        #expect(hexString(summary.encoded()) == "03" + "ac02" + "f0a204")
        #expect(try StreamSummary(decoding: summary.encoded()) == summary)
        let bytes = request.encoded()
        for cut in 0..<bytes.count {
            #expect(throws: DecodeError.self) { try StreamFetchRequest(decoding: Array(bytes.prefix(cut))) }
        }
        let tooMany = Self.bytes("01" + Self.tableHex + "ffffffffffffff9c" + "00000000000000c8" + "21")
        #expect(throws: DecodeError.self) { try StreamFetchRequest(decoding: tooMany) }
    }

    /// The source pages a range in chunks of about the budget: every partition whose token is in
    /// the range exactly once, in token order, none outside, whatever the budget.
    @Test(arguments: [1, 300, 1 << 20])
    func sourcePagesARangeCompletely(budget: Int) async throws {
        let node = try ReplicaNode()
        for key in UInt8(0)..<200 {
            try await node.engine.write(Mutation([node.update(key, 1, timestamp: 10)]))
        }
        try node.engine.flush()
        for key in UInt8(200)..<250 {  // some in the memtable, some flushed: the merged view
            try await node.engine.write(Mutation([node.update(key, 1, timestamp: 10)]))
        }
        let source = StreamSource(engine: node.engine, megabitsPerSecond: 0, clock: { .zero })
        let all = (UInt8(0)..<250).map { PartitionKey([$0]) }.sorted()
        let range = TokenRange(start: all[40].token, end: all[180].token)
        var seen: [PartitionKey] = []
        var resume: PartitionKey?
        var chunks = 0
        while true {
            let chunk = try StreamChunk(decoding: try source.read(
                StreamReadCommand(table: node.table, range: range, resume: resume, byteBudget: budget)))
            seen += chunk.partitions.map(\.key)
            chunks += 1
            if chunk.isLast { break }
            resume = chunk.partitions.last?.key
        }
        #expect(seen == Array(all[41...180]))
        if budget == 1 { #expect(chunks == 141, "one partition per chunk, and an empty last one") }
    }

    @Test(arguments: [
        // megabits/s, chunk bytes, sends at (ms), expected waits (ms)
        (0, 1_000_000, [0, 0, 0], [0, 0, 0]),
        (8, 1_000_000, [0, 0, 0], [0, 1000, 2000]),
        (8, 500_000, [0, 2000, 2100], [0, 0, 400]),
        (80, 1_000_000, [0, 50, 1000], [0, 50, 0]),
    ])
    func throttlePacesToTheRate(megabits: Int, bytes: Int, sends: [Int64], waits: [Int64]) {
        var throttle = StreamThrottle(megabitsPerSecond: megabits)
        for (at, wait) in zip(sends, waits) {
            let delay = throttle.delay(sending: bytes, now: MonotonicTime(nanoseconds: at * 1_000_000))
            #expect(delay == .milliseconds(wait), "send at \(at) ms")
        }
    }

    @Test func identityKeepsAPendingBootstrapAndADecommission() throws {
        var identity = NodeIdentityFile(hostID: UUID(), tokens: [-5, 7])
        identity.bootstrapPending = true
        #expect(identity.text.hasSuffix("bootstrap=pending\n"))
        #expect(try NodeIdentityFile.parse(identity.text, path: "x") == identity)
        identity.bootstrapPending = false
        #expect(!identity.text.contains("bootstrap"))
        identity.decommissioned = true
        #expect(identity.text.hasSuffix("decommissioned=true\n"))
        #expect(try NodeIdentityFile.parse(identity.text, path: "x") == identity)
        identity.decommissioned = false
        #expect(try NodeIdentityFile.parse(identity.text, path: "x") == identity)
        #expect(throws: NodeIdentityFile.Malformed.self) {
            try NodeIdentityFile.parse("host_id=\(UUID().uuidString)\nbootstrap=maybe\n", path: "x")
        }
    }
}
