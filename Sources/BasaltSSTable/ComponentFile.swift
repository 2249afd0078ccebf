import BasaltFileSystem

/// An open SSTable file and the few operations SSTables need, each turning a `FileSystemError` into
/// `SSTableIOError`.
///
/// Reads are positional, so one handle serves any number of threads without a lock: that is what
/// lets a reader be shared by every query of its table.
final class ComponentFile: Sendable {
    let handle: any OpenFile
    var path: String { handle.path }

    init(_ fileSystem: any FileSystem, path: String, _ mode: FileOpenMode) throws(SSTableIOError) {
        do { handle = try fileSystem.open(path, mode) } catch { throw SSTableIOError(error) }
    }

    func size() throws(SSTableIOError) -> Int {
        do { return try handle.size() } catch { throw SSTableIOError(error) }
    }

    /// Fills `buffer` from `offset` on; returns how many bytes were read (fewer only at end of file).
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws(SSTableIOError) -> Int {
        do { return try handle.read(into: buffer, at: offset) } catch { throw SSTableIOError(error) }
    }

    /// Exactly `count` bytes at `offset`. The caller checked `offset + count` against the file size it
    /// validated at open, so a short read means the file shrank underneath us: corruption, not a crash.
    func read(count: Int, at offset: Int) throws -> [UInt8] {
        try [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            let n = try read(into: UnsafeMutableRawBufferPointer(buffer), at: offset)
            initialized = n
            if n != count {
                throw SSTableCorruption(path: path, offset: offset + n,
                                        reason: "file ends \(count - n) bytes early (wanted \(count) bytes at \(offset))")
            }
        }
    }

    func append(_ bytes: UnsafeRawBufferPointer) throws(SSTableIOError) {
        do { try handle.append(bytes) } catch { throw SSTableIOError(error) }
    }

    func sync() throws(SSTableIOError) {
        do { try handle.sync() } catch { throw SSTableIOError(error) }
    }

    /// Tells the kernel a scan will read the file front to back, so it reads ahead generously.
    func adviseSequential() { handle.adviseSequential() }
}

extension SSTableIOError {
    init(_ error: FileSystemError) {
        self.init(path: error.path, operation: error.operation, errno: error.errorNumber)
    }
}
