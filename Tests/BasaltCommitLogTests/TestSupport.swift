@testable import BasaltCommitLog
import BasaltCore
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
func replayAll(_ directory: String, configuration: CommitLogConfiguration = smallSegments)
    throws -> (records: [(Mutation, CommitLogPosition)], report: CommitLogReplayReport) {
    let log = try CommitLog(directory: directory, configuration: configuration)
    defer { try? log.close() }
    var records: [(Mutation, CommitLogPosition)] = []
    let report = try log.replay { records.append(($0, $1)) }
    return (records, report)
}

let smallSegments = CommitLogConfiguration(syncMode: .group(windowMicroseconds: 200), segmentSize: 64 << 10)

/// System calls that fail on demand: a full disk for segment creation, a failing device for syncs.
final class FaultInjectingIO: SegmentIO {
    let allocationError = Mutex<Int32>(0)
    let syncError = Mutex<Int32>(0)

    func allocate(descriptor: Int32, size: Int) -> Int32 {
        let injected = allocationError.withLock { $0 }
        return injected != 0 ? injected : SystemSegmentIO().allocate(descriptor: descriptor, size: size)
    }

    func sync(address: UnsafeMutableRawPointer, length: Int) -> Int32 {
        let injected = syncError.withLock { $0 }
        return injected != 0 ? injected : SystemSegmentIO().sync(address: address, length: length)
    }
}
