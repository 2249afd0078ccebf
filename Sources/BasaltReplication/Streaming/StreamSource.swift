import BasaltCluster
import BasaltCore
import BasaltStorage
import Foundation

/// The sending side of streaming: answers STREAM_READ with the next chunk of a table's partitions
/// in a token range, read from the merged view of memtables and SSTables (what a replica read
/// sees, tombstones and timestamps included), paced by the outbound throttle. Keeps nothing
/// between chunks: the receiver names where to resume.
public final class StreamSource: @unchecked Sendable {
    let engine: StorageEngine
    private let lock = NSLock()
    private var throttle: StreamThrottle
    private let clock: @Sendable () -> MonotonicTime

    public init(engine: StorageEngine, megabitsPerSecond: Int, clock: @escaping @Sendable () -> MonotonicTime) {
        self.engine = engine
        throttle = StreamThrottle(megabitsPerSecond: megabitsPerSecond)
        self.clock = clock
    }

    public func handle(_ payload: [UInt8]) async throws -> [UInt8] {
        let chunk = try read(StreamReadCommand(decoding: payload))
        let wait = lock.withLock { throttle.delay(sending: chunk.count, now: clock()) }
        if wait > .zero { try await Task.sleep(for: wait) }
        return chunk
    }

    /// The encoded chunk: partitions after the resume key (or the range's start) through the
    /// range's end, until the body passes the budget (at least one partition, so a wide partition
    /// still moves).
    func read(_ command: StreamReadCommand) throws -> [UInt8] {
        guard let table = engine.table(command.table) else { throw ReplicaError.unknownTable(command.table) }
        // A keyless key with token start+1 sorts before every real key of that token.
        let start = command.resume ?? PartitionKey(token: command.range.start + 1, bytes: [])
        let scanner = try table.scanner(from: start, inclusive: command.resume == nil, endToken: command.range.end)
        var body = ByteWriter()
        var partitions = 0
        var rows = 0
        while body.bytes.count < command.byteBudget {
            guard let partition = try scanner.nextMerged() else {
                return StreamChunk.encode(isLast: true, partitions: partitions, rows: rows, body: body.bytes)
            }
            DataCodec.write(partition, to: &body)
            partitions += 1
            rows += partition.rows.count + (partition.staticRow == nil ? 0 : 1)
        }
        return StreamChunk.encode(isLast: false, partitions: partitions, rows: rows, body: body.bytes)
    }
}
