import BasaltCommitLog
import BasaltCore
import Foundation
import Testing
@testable import BasaltStorage

/// A real full disk: the engine runs on a small tmpfs filled up by a ballast file. Writes must fail
/// back with an error (never crash, never hang), nothing acknowledged may be lost, and once the
/// ballast is removed the same engine must carry on.
@Suite("Full disk")
struct FullDiskTests {
    /// tmpfs needs root (CI and developer machines here run as root); elsewhere the suite is skipped.
    static let canMount: Bool = getuid() == 0 && FileManager.default.fileExists(atPath: "/bin/mount")

    static func run(_ arguments: [String]) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/" + arguments[0])
        process.arguments = Array(arguments.dropFirst())
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return -1 }
        process.waitUntilExit()
        return process.terminationStatus
    }

    @Test(.enabled(if: canMount))
    func writesFailCleanlyAndResumeWhenSpaceReturns() throws {
        let mountPoint = TemporaryDirectory("fulldisk")
        defer { mountPoint.remove() }
        try #require(Self.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", mountPoint.path]) == 0)
        defer { _ = Self.run(["umount", mountPoint.path]) }
        // Leave ~5 MiB free.
        let ballast = mountPoint.path + "/ballast"
        try Data(count: 11 << 20).write(to: URL(fileURLWithPath: ballast))

        let configuration = StorageConfiguration(
            directory: mountPoint.path + "/data",
            commitLog: CommitLogConfiguration(syncMode: .periodic(intervalMilliseconds: 5), segmentSize: 1 << 20),
            memtableFlushBytes: 256 << 10, blockCacheBytes: 1 << 20, maximumBackpressureWaitMilliseconds: 500,
            automaticCompaction: false)
        let table = UUID()
        var engine = try StorageEngine(configuration: configuration)
        try engine.openTable(table, options: TableOptions(name: "ks.full", compression: false))

        func write(_ id: Int) throws {
            let value = [UInt8](repeating: UInt8(id & 0xFF), count: 1000)
            let row = Row(clustering: .empty, cells: [Cell.live(column: 1, timestamp: Int64(id), value: value)])
            try engine.write(Mutation([PartitionUpdate(table: table, key: PartitionKey(Array("k\(id)".utf8)), rows: [row])]))
        }

        var acknowledged: [Int] = []
        var failure: Error?
        for id in 0..<20_000 {
            do {
                try write(id)
                acknowledged.append(id)
            } catch {
                failure = error
                break
            }
        }
        let error = try #require(failure, "the disk never filled up")
        #expect(error is StorageError, "unexpected error type: \(error)")

        // Space returns: the same engine carries on.
        try FileManager.default.removeItem(atPath: ballast)
        var resumed = false
        for attempt in 0..<50 where !resumed {
            do {
                try write(100_000 + attempt)
                acknowledged.append(100_000 + attempt)
                resumed = true
            } catch {
                usleep(100_000)
            }
        }
        #expect(resumed, "writes did not resume after space returned")
        try engine.flush()
        try engine.close()

        engine = try StorageEngine(configuration: configuration)
        let reopened = try engine.openTable(table, options: TableOptions(name: "ks.full", compression: false))
        try engine.replayCommitLog()
        let lost = try acknowledged.filter { try reopened.read(PartitionKey(Array("k\($0)".utf8))) == nil }
        #expect(lost.isEmpty, "\(lost.count) of \(acknowledged.count) acknowledged writes lost, e.g. \(lost.prefix(5))")
        try engine.close()
    }
}
