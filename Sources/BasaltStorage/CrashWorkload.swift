import BasaltCommitLog
import BasaltCore
import struct Foundation.UUID

/// The contract between `basalt debug crash-writer` (the process the crash test kills) and the test
/// that checks its data directory afterwards: which table, which settings, and which value each row
/// id must hold. Kept in the library so both sides use the same definitions.
public enum CrashWorkload {
    public static let table = UUID(uuidString: "00000000-0000-0000-0000-00000000C4A5")!

    public static func key(_ id: Int) -> PartitionKey { PartitionKey(Array("row-\(id)".utf8)) }

    /// The row id of a key written by the workload, or nil for a key it never writes.
    public static func id(of key: PartitionKey) -> Int? {
        let text = String(decoding: key.bytes, as: UTF8.self)
        return text.hasPrefix("row-") ? Int(text.dropFirst(4)) : nil
    }

    /// The value of row `id`, derived from the id so that a reader can tell a real row from an invented one.
    public static func value(_ id: Int) -> [UInt8] {
        var state = UInt64(truncatingIfNeeded: id) &* 0x9E37_79B9_7F4A_7C15 | 1
        return (0..<(16 + id % 48)).map { _ in
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return UInt8(truncatingIfNeeded: state)
        }
    }

    public static let options = TableOptions(
        name: "crash.rows",
        compaction: .sizeTiered(minThreshold: 2, maxThreshold: 8, bucketLow: 0.5, bucketHigh: 1.5, minSSTableSize: 1 << 20))

    /// Small memtables and commit-log segments, so that flushes, compactions and segment deletions are
    /// always under way when the process is killed.
    public static func configuration(directory: String, syncMode: CommitLogSyncMode) -> StorageConfiguration {
        StorageConfiguration(directory: directory, commitLog: CommitLogConfiguration(syncMode: syncMode, segmentSize: 1 << 20),
                             memtableFlushBytes: 64 << 10, blockCacheBytes: 1 << 20, compactionThroughputBytesPerSecond: 0)
    }
}
