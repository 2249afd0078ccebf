import BasaltCore
import BasaltSSTable
import Foundation

/// Byte 0 chooses a component of a small valid SSTable, the rest replaces that component's file;
/// the SSTable is then opened, scanned, read by key and checksummed.
enum SSTableTarget {
    static let components = SSTableComponent.allCases
    static let updates = (0..<6).map { SeedData.update(key: $0, rows: $0 % 3 + 1) }.sorted { $0.key < $1.key }
    nonisolated(unsafe) static var original: [SSTableComponent: [UInt8]]?
    static let directory = SeedData.scratch("sstable")

    static func run(_ bytes: [UInt8]) {
        SeedData.files.withLock { runAlone(bytes) }
    }

    private static func runAlone(_ bytes: [UInt8]) {
        guard let first = bytes.first, let original = try? originalComponents() else { return }
        let replaced = components[Int(first) % components.count]
        let descriptor = SSTableDescriptor(directory: directory, generation: 1)
        for component in components {
            let contents = component == replaced ? Array(bytes.dropFirst()) : original[component] ?? []
            guard FileManager.default.createFile(atPath: descriptor.path(component), contents: Data(contents)) else { return }
        }
        guard let reader = try? SSTableReader.open(descriptor, cache: nil) else { return }
        if let scanner = try? reader.scanner() {
            var partitions = 0
            while partitions < 10_000, let partition = try? scanner.next() {
                partitions += 1
                _ = partition.rows.count
            }
        }
        for update in updates { _ = try? reader.read(update.key) }
        try? reader.verifyChecksums()
    }

    /// The components of an SSTable holding `updates`, written once per process.
    static func originalComponents() throws -> [SSTableComponent: [UInt8]] {
        if let original { return original }
        let directory = SeedData.scratch("sstable-seed")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let descriptor = SSTableDescriptor(directory: directory, generation: 1)
        let writer = try SSTableWriter(descriptor: descriptor, table: SeedData.table,
                                       options: SSTableWriterOptions(expectedPartitions: updates.count, chunkSize: 4_096))
        for update in updates { try writer.append(update) }
        _ = try writer.finish()
        var written: [SSTableComponent: [UInt8]] = [:]
        for component in components {
            written[component] = (try? Data(contentsOf: URL(fileURLWithPath: descriptor.path(component)))).map(Array.init)
        }
        original = written
        return written
    }

    static func seeds() throws -> [[UInt8]] {
        try SeedData.files.withLock { try seedsAlone() }
    }

    private static func seedsAlone() throws -> [[UInt8]] {
        let original = try originalComponents()
        return components.enumerated().compactMap { index, component in original[component].map { [UInt8(index)] + $0 } }
    }
}
