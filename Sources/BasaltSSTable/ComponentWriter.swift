import BasaltCore
import BasaltFileSystem

/// Appends to one new component file through a large buffer, so the kernel sees few big writes, and
/// keeps the running size and CRC-32C that the TOC records for the file.
final class ComponentWriter {
    let file: ComponentFile
    private var buffer: [UInt8] = []
    private(set) var flushedBytes = 0
    private(set) var crc: UInt32 = 0

    /// 1 MiB: big enough that write(2) costs nothing per byte, small enough not to matter in memory.
    static let flushThreshold = 1 << 20

    /// Fails if the file exists: a generation is written once, never over an older one.
    init(_ fileSystem: any FileSystem, path: String) throws {
        file = try ComponentFile(fileSystem, path: path, .createNew)
        buffer.reserveCapacity(Self.flushThreshold + (64 << 10))
    }

    /// Bytes appended so far, flushed or not: the file offset the next append lands at.
    var size: Int { flushedBytes + buffer.count }

    func append(_ bytes: UnsafeRawBufferPointer) throws {
        buffer.append(contentsOf: bytes)
        if buffer.count >= Self.flushThreshold { try flush() }
    }

    func append(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try append($0) }
    }

    private func flush() throws {
        if buffer.isEmpty { return }
        crc = CRC32C.checksum(buffer, continuing: crc)
        try buffer.withUnsafeBytes { try file.append($0) }
        flushedBytes += buffer.count
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes what is buffered and fsyncs; returns the file's size and CRC-32C for the TOC.
    func finish() throws -> (size: Int, crc: UInt32) {
        try flush()
        try file.sync()
        buffer = []
        return (flushedBytes, crc)
    }
}
