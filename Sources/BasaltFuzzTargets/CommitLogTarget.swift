import BasaltCommitLog
import BasaltCore
import Foundation

/// The input is a whole segment file (header and records) that a commit log finds at start-up and
/// replays.
enum CommitLogTarget {
    static let configuration = CommitLogConfiguration(syncMode: .periodic(intervalMilliseconds: 60_000), segmentSize: 16_384)
    static let directory = SeedData.scratch("commitlog")

    static func run(_ bytes: [UInt8]) {
        SeedData.files.withLock { runAlone(bytes) }
    }

    private static func runAlone(_ bytes: [UInt8]) {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] {
            try? FileManager.default.removeItem(atPath: directory + "/" + name)
        }
        guard FileManager.default.createFile(atPath: directory + "/" + CommitLog.segmentFileName(id: 1), contents: Data(bytes)),
              let log = try? CommitLog(directory: directory, configuration: configuration) else { return }
        _ = try? log.replay { mutation, _ in _ = mutation.updates.count }
        try? log.close()
    }

    static func seeds() throws -> [[UInt8]] {
        try SeedData.files.withLock { try seedsAlone() }
    }

    private static func seedsAlone() throws -> [[UInt8]] {
        let directory = SeedData.scratch("commitlog-seed")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let log = try CommitLog(directory: directory, configuration: configuration)
        for key in 0..<4 { _ = try log.append(Mutation([SeedData.update(key: key, rows: key + 1)])) }
        try log.sync()
        try log.close()
        return try FileManager.default.contentsOfDirectory(atPath: directory).sorted().map {
            Array(try Data(contentsOf: URL(fileURLWithPath: directory + "/" + $0)))
        }
    }
}
