import Glibc

/// An open file and the few system calls SSTables need, each turning `errno` into `SSTableIOError`.
///
/// Reads are positional (`pread`), so one descriptor serves any number of threads without a lock:
/// that is what lets a reader be shared by every query of its table.
final class FileDescriptor: Sendable {
    let fd: Int32
    let path: String

    init(path: String, flags: Int32, mode: mode_t = 0o644) throws {
        var fd: Int32
        repeat { fd = Glibc.open(path, flags | O_CLOEXEC, mode) } while fd < 0 && errno == EINTR
        guard fd >= 0 else { throw SSTableIOError(path: path, operation: "open", errno: errno) }
        self.fd = fd
        self.path = path
    }

    deinit { Glibc.close(fd) }

    func size() throws -> Int {
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw SSTableIOError(path: path, operation: "fstat", errno: errno) }
        return Int(st.st_size)
    }

    /// Fills `buffer` from `offset` on; returns how many bytes were read (fewer only at end of file).
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws -> Int {
        guard let base = buffer.baseAddress else { return 0 }
        var done = 0
        while done < buffer.count {
            let n = pread(fd, base + done, buffer.count - done, off_t(offset + done))
            if n < 0 {
                if errno == EINTR { continue }
                throw SSTableIOError(path: path, operation: "pread", errno: errno)
            }
            if n == 0 { break }
            done += n
        }
        return done
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

    func writeAll(_ bytes: UnsafeRawBufferPointer) throws {
        guard let base = bytes.baseAddress else { return }
        var done = 0
        while done < bytes.count {
            let n = Glibc.write(fd, base + done, bytes.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw SSTableIOError(path: path, operation: "write", errno: errno)
            }
            done += n
        }
    }

    func sync() throws {
        guard fsync(fd) == 0 else { throw SSTableIOError(path: path, operation: "fsync", errno: errno) }
    }

    /// Tells the kernel a scan will read the file front to back, so it reads ahead generously.
    func adviseSequential() {
        _ = posix_fadvise(fd, 0, 0, Int32(POSIX_FADV_SEQUENTIAL))
    }

    /// Makes the directory entries of files created or renamed in `directory` durable.
    static func syncDirectory(_ directory: String) throws {
        let dir = try FileDescriptor(path: directory, flags: O_RDONLY | O_DIRECTORY)
        try dir.sync()
    }
}
