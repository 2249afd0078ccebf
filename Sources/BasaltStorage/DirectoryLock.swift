#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// An exclusive lock on a data directory: `<directory>/LOCK`, locked with `flock` and holding the
/// owner's pid. A second engine on the same directory — a second `basalt start` with the same
/// `--data-dir`, the classic way to corrupt an LSM store — is refused instead of writing the live
/// node's files. The kernel drops the lock when its process dies, so a crash never leaves it stale
/// and a node killed with SIGKILL restarts at once.
final class DirectoryLock: Sendable {
    let path: String
    private let descriptor: Mutex<Int32?>

    init(directory: String) throws(StorageError) {
        path = directory + "/LOCK"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .io(operation: "open", path: path, errno: errno) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            let holder = Self.holder(fd)
            close(fd)
            if code == EWOULDBLOCK { throw .directoryLocked(directory: directory, holder: holder) }
            throw .io(operation: "flock", path: path, errno: code)
        }
        // The pid is for the operator's error message only; the lock itself is the flock.
        let line = Array("\(getpid())\n".utf8)
        if ftruncate(fd, 0) != 0 || pwrite(fd, line, line.count, 0) != line.count {
            let code = errno
            close(fd)
            throw .io(operation: "write", path: path, errno: code)
        }
        descriptor = Mutex(fd)
    }

    /// Closing the descriptor releases the lock. Idempotent.
    func release() {
        if let fd = descriptor.withLock({ fd in defer { fd = nil }; return fd }) { close(fd) }
    }

    deinit { release() }

    /// The pid the current holder wrote, if it is readable.
    private static func holder(_ fd: Int32) -> Int32? {
        var bytes = [UInt8](repeating: 0, count: 16)
        let count = pread(fd, &bytes, bytes.count, 0)
        guard count > 0 else { return nil }
        return Int32(String(decoding: bytes[..<count], as: UTF8.self).filter(\.isNumber))
    }
}
