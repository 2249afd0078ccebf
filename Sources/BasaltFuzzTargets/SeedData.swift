import BasaltCore
import Foundation
import Synchronization

/// Small, fixed data for the seed corpora.
enum SeedData {
    static let table = UUID(uuidString: "0f0e0d0c-0b0a-4908-8706-050403020100")!

    /// A partition of `rows` rows with one cell each, a collection cell with a path and a row tombstone.
    static func update(key: Int, rows: Int) -> PartitionUpdate {
        var update = PartitionUpdate(table: table, key: PartitionKey(withUnsafeBytes(of: UInt32(key).bigEndian) { Array($0) }))
        update.rows = (0..<rows).map { row in
            Row(clustering: Clustering([0, 0, 0, UInt8(row)]),
                cells: [Cell.live(column: 1, timestamp: 1_000 + Int64(row), value: Array("value \(row)".utf8)),
                        Cell.live(column: 2, path: [UInt8(row)], timestamp: 1_000, value: [1, 2, 3])])
        }
        update.rows.append(Row(clustering: Clustering([0, 0, 1, 0]), deletion: DeletionTime(markedForDeleteAt: 2_000, localDeletionTime: 1)))
        return update
    }

    /// The targets that use files share fixed scratch directories (per process, so fuzzing runs
    /// stay cheap): their runs and seed-making take turns. libFuzzer calls one input at a time
    /// anyway; the Swift tests run cases in parallel.
    static let files = NSLock()

    /// A scratch directory of this process, emptied. Removed when the process exits (a fuzzing run
    /// or a test run left two behind in /tmp each time); a crashing input leaves it for a look.
    static func scratch(_ name: String) -> String {
        let path = NSTemporaryDirectory() + "basalt-fuzz-\(getpid())-\(name)"
        try? FileManager.default.removeItem(atPath: path)
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let first = scratchDirectories.withLock { created in
            defer { created.insert(path) }
            return created.isEmpty
        }
        if first { atexit { SeedData.removeScratchDirectories() } }
        return path
    }

    private static let scratchDirectories = Mutex<Set<String>>([])

    private static func removeScratchDirectories() {
        for path in scratchDirectories.withLock({ $0 }) { try? FileManager.default.removeItem(atPath: path) }
    }
}
