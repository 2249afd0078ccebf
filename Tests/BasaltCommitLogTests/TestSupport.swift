@testable import BasaltCommitLog
import BasaltCore
import BasaltFileSystem
import Foundation
import Synchronization
import Testing

/// A fresh directory under /tmp, removed when `body` returns or throws.
@discardableResult
func withTemporaryDirectory<T>(_ body: (String) throws -> T) throws -> T {
    let path = "/tmp/basalt-commitlog-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try body(path)
}

/// A one-row mutation whose encoded size grows with `valueSize`; equal `valueSize`s and single-digit
/// `index`es give equal encoded sizes.
func makeMutation(_ index: Int, valueSize: Int) -> Mutation {
    let table = UUID(uuidString: "5A1B2C3D-0000-4000-8000-00000000CAFE")!
    let row = Row(clustering: Clustering([UInt8(truncatingIfNeeded: index)]),
                  cells: [Cell.live(column: 1, timestamp: Int64(index), value: [UInt8](repeating: UInt8(truncatingIfNeeded: index), count: valueSize))])
    return Mutation([PartitionUpdate(table: table, key: PartitionKey(Array("key\(index)".utf8)), rows: [row])])
}

func segmentPath(_ directory: String, _ id: UInt64) -> String { directory + "/" + SegmentLayout.fileName(id: id) }

func segmentIDs(in directory: String) throws -> [UInt64] {
    try FileManager.default.contentsOfDirectory(atPath: directory).compactMap { SegmentLayout.parse(fileName: $0)?.id }.sorted()
}

func readFile(_ path: String) throws -> [UInt8] {
    guard let data = FileManager.default.contents(atPath: path) else { throw CocoaError(.fileReadNoSuchFile) }
    return [UInt8](data)
}

func writeFile(_ path: String, _ bytes: [UInt8]) throws {
    try Data(bytes).write(to: URL(fileURLWithPath: path))
}

/// Replays `directory` with a fresh log and returns what it applied; the log is closed again.
func replayAll(_ directory: String, configuration: CommitLogConfiguration = smallSegments,
               fileSystem: any FileSystem = PosixFileSystem())
    throws -> (records: [(Mutation, CommitLogPosition)], report: CommitLogReplayReport) {
    let log = try CommitLog(directory: directory, configuration: configuration, fileSystem: fileSystem)
    defer { try? log.close() }
    var records: [(Mutation, CommitLogPosition)] = []
    let report = try log.replay { records.append(($0, $1)) }
    return (records, report)
}

let smallSegments = CommitLogConfiguration(syncMode: .group(windowMicroseconds: 200), segmentSize: 64 << 10)
