import BasaltCore
import Foundation
import Glibc
@testable import BasaltSSTable

/// Runs `body` in a fresh temporary directory and removes it afterwards, whatever happens.
func withTemporaryDirectory<T>(_ body: (String) throws -> T) throws -> T {
    var template = Array("/tmp/basalt-sstable-test-XXXXXX".utf8CString)
    guard let made = mkdtemp(&template) else { throw SSTableIOError(path: "/tmp", operation: "mkdtemp", errno: errno) }
    let path = String(cString: made)
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try body(path)
}


let testTable = UUID(uuidString: "00112233-4455-6677-8899-AABBCCDDEEFF")!

func bytes(_ rng: inout SplitMix64, count: Int) -> [UInt8] { (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) } }

/// Clustering of row number i: 4 bytes big-endian of 2i, so slices can fall between rows.
func clustering(_ i: Int) -> [UInt8] { withUnsafeBytes(of: UInt32(2 * i).bigEndian) { Array($0) } }

func randomDeletion(_ rng: inout SplitMix64) -> DeletionTime {
    DeletionTime(markedForDeleteAt: Int64.random(in: 1...1_000_000, using: &rng), localDeletionTime: Int32.random(in: 1...2_000_000, using: &rng))
}

func randomRow(_ rng: inout SplitMix64, clustering: [UInt8], valueSize: Int) -> Row {
    var row = Row(clustering: Clustering(clustering))
    if Bool.random(using: &rng) { row.liveness = LivenessInfo(timestamp: Int64.random(in: 1...1_000_000, using: &rng)) }
    if Int.random(in: 0..<10, using: &rng) == 0 { row.deletion = randomDeletion(&rng) }
    if Int.random(in: 0..<10, using: &rng) == 0 { row.complexDeletions = [ComplexDeletion(column: 9, deletion: randomDeletion(&rng))] }
    for column in UInt32(1)...4 where Int.random(in: 0..<3, using: &rng) > 0 {
        let ts = Int64.random(in: 1...1_000_000, using: &rng)
        switch Int.random(in: 0..<4, using: &rng) {
        case 0: row.cells.append(.tombstone(column: column, timestamp: ts, now: 1000))
        case 1: row.cells.append(.expiring(column: column, timestamp: ts, value: bytes(&rng, count: valueSize), ttl: 60, now: 1000))
        default: row.cells.append(.live(column: column, timestamp: ts, value: bytes(&rng, count: valueSize)))
        }
    }
    if Bool.random(using: &rng) {
        for element in UInt8(0)..<UInt8.random(in: 1...3, using: &rng) {
            row.cells.append(.live(column: 9, path: [element], timestamp: 5, value: [element]))
        }
    }
    return row
}

func randomSlice(_ rng: inout SplitMix64, rowCount: Int) -> ClusteringSlice {
    func bound() -> ClusteringBound {
        switch Int.random(in: 0..<5, using: &rng) {
        case 0: return .unbounded
        case 1: return ClusteringBound(prefix: Array(clustering(Int.random(in: 0...rowCount, using: &rng)).prefix(2)), inclusive: Bool.random(using: &rng))
        default:
            // Odd values fall between rows, even ones on a row.
            let raw = UInt32.random(in: 0...UInt32(2 * rowCount + 1), using: &rng)
            return ClusteringBound(prefix: withUnsafeBytes(of: raw.bigEndian) { Array($0) }, inclusive: Bool.random(using: &rng))
        }
    }
    let a = bound(), b = bound()
    if a.isUnbounded || b.isUnbounded || compareBytes(a.prefix, b.prefix) <= 0 { return ClusteringSlice(start: a, end: b) }
    return ClusteringSlice(start: b, end: a)
}

/// A partition with some of every kind of fact; `rowCount` rows of roughly `valueSize`-byte values.
func randomPartition(_ rng: inout SplitMix64, key: PartitionKey, rowCount: Int, valueSize: Int) -> PartitionUpdate {
    var p = PartitionUpdate(table: testTable, key: key)
    if Int.random(in: 0..<8, using: &rng) == 0 { p.partitionDeletion = randomDeletion(&rng) }
    if Int.random(in: 0..<3, using: &rng) == 0 { p.staticRow = randomRow(&rng, clustering: [], valueSize: valueSize) }
    for _ in 0..<Int.random(in: 0...2, using: &rng) {
        p.rangeTombstones.append(RangeTombstone(slice: randomSlice(&rng, rowCount: max(rowCount, 1)), deletion: randomDeletion(&rng)))
    }
    p.rows = (0..<rowCount).map { randomRow(&rng, clustering: clustering($0), valueSize: valueSize) }
    return p
}

func randomKeys(_ rng: inout SplitMix64, count: Int) -> [PartitionKey] {
    var keys = Set<PartitionKey>()
    while keys.count < count { keys.insert(PartitionKey(bytes(&rng, count: Int.random(in: 1...24, using: &rng)))) }
    return keys.sorted()
}

@discardableResult
func writeSSTable(_ partitions: [PartitionUpdate], directory: String, generation: UInt64 = 1,
                  options: SSTableWriterOptions? = nil) throws -> (SSTableDescriptor, SSTableMetadata) {
    let descriptor = SSTableDescriptor(directory: directory, generation: generation)
    let writer = try SSTableWriter(descriptor: descriptor, table: testTable,
                                   options: options ?? SSTableWriterOptions(expectedPartitions: partitions.count))
    for p in partitions { try writer.append(p) }
    return (descriptor, try writer.finish())
}

/// What a reader must return for `slice` of `partition`.
func expected(_ partition: PartitionUpdate, slice: ClusteringSlice) -> PartitionUpdate {
    var p = partition
    p.rows = p.rows.filter { slice.contains($0.clustering) }
    if slice != .all { p.rangeTombstones = p.rangeTombstones.filter { $0.slice.mayOverlap(slice) } }
    return p
}

func readFile(_ path: String) -> [UInt8] { [UInt8](FileManager.default.contents(atPath: path) ?? Data()) }

func writeFile(_ path: String, _ bytes: [UInt8]) { _ = FileManager.default.createFile(atPath: path, contents: Data(bytes)) }

/// Rewrites the TOC so it agrees with the files as they are now (to get past the TOC check and test
/// the component's own validation).
func resealTOC(_ d: SSTableDescriptor) {
    var entries: [SSTableComponent: TableOfContents.Entry] = [:]
    for c in SSTableComponent.listed {
        let b = readFile(d.path(c))
        entries[c] = .init(size: b.count, crc: CRC32C.checksum(b))
    }
    writeFile(d.path(.toc), TableOfContents(entries: entries).encoded())
}

func hex(_ b: [UInt8]) -> String { hexString(b) }

func directoryListing(_ path: String) -> [String] { ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted() }
