import BasaltCluster
import BasaltCore
import BasaltInternode
import BasaltStorage
import Logging

/// The receiving side of streaming: pulls token ranges of tables from their sources, one chunk in
/// flight per range (the next is asked for once the previous is stored), and writes each chunk
/// through this node's normal write path — commit log, memtable, flush — as one mutation with the
/// partitions' original timestamps and tombstones, so streamed data merges with concurrent writes
/// by the usual last-write-wins rules and survives a crash like any write.
///
/// A chunk that fails (timeout, error answer, checksum or row count mismatch) is asked again from
/// the same point, up to `attempts` times per source, then from the next source.
public struct RangeStreamer: Sendable {
    /// Bytes per chunk: big enough that the round trip is small beside the transfer, small enough
    /// to be one commit-log record and a bounded frame.
    public static let chunkBytes = 1 << 20
    static let attempts = 3
    static let chunkTimeout: Duration = .seconds(60)

    let messenger: InternodeMessenger
    let engine: StorageEngine
    let logger: Logger
    let isAlive: @Sendable (NodeAddress) -> Bool

    public func fetch(_ items: [StreamFetchRequest.Item]) async throws -> StreamSummary {
        var total = StreamSummary()
        for item in items {
            for piece in item.range.unwrapped() {
                total = total + (try await fetch(table: item.table, range: piece, sources: item.sources))
            }
        }
        return total
    }

    private func fetch(table: TableID, range: TokenRange, sources: [NodeAddress]) async throws -> StreamSummary {
        var lastError: Error = StreamError.noSource(range)
        for source in sources where isAlive(source) {
            do {
                return try await fetch(table: table, range: range, from: source)
            } catch {
                lastError = error
                logger.warning("stream from a source failed; trying the next",
                               metadata: ["source": "\(source)", "range": "\(range)", "error": "\(error)"])
            }
        }
        throw lastError
    }

    private func fetch(table: TableID, range: TokenRange, from source: NodeAddress) async throws -> StreamSummary {
        var summary = StreamSummary()
        var resume: PartitionKey?
        var failures = 0
        while true {
            let command = StreamReadCommand(table: table, range: range, resume: resume, byteBudget: Self.chunkBytes)
            let chunk: StreamChunk
            let size: Int
            do {
                let bytes = try await messenger.request(.streamRead, payload: command.encoded(), to: source, timeout: Self.chunkTimeout)
                chunk = try StreamChunk(decoding: bytes)
                size = bytes.count
            } catch {
                failures += 1
                if failures >= Self.attempts { throw error }
                try await Task.sleep(for: .milliseconds(200 * failures))
                continue
            }
            if !chunk.partitions.isEmpty { try await engine.write(Mutation(chunk.partitions)) }
            summary = summary + StreamSummary(partitions: chunk.partitions.count, rows: chunk.rowCount, bytes: size)
            if chunk.isLast { return summary }
            guard let last = chunk.partitions.last?.key else { throw StreamError.emptyChunk(range, source) }
            resume = last
        }
    }
}

public enum StreamError: Error, Hashable, Sendable, CustomStringConvertible {
    case noSource(TokenRange)
    case emptyChunk(TokenRange, NodeAddress)

    public var description: String {
        switch self {
        case .noSource(let range): "no live node holds range \(range) to stream it from"
        case let .emptyChunk(range, source): "\(source) sent an empty chunk before the end of range \(range)"
        }
    }
}
