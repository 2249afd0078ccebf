#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// An exclusive lock on a data directory: `<directory>/LOCK`, holding the owner's pid. A second
/// engine on the same directory — a second `basalt start` with the same `--data-dir`, the classic
/// way to corrupt an LSM store — is refused instead of writing the live node's files.
///
/// Two locks, as LevelDB's `PosixLockTable` does: a POSIX record lock (`fcntl F_SETLK`) keeps other
/// processes out, and a table of the paths this process holds keeps a second engine in the same
/// process out (record locks never conflict within one process). `flock` would cover both, but a
/// flock belongs to the open file description, which every `fork` shares: a child spawned by another
/// thread holds the lock until it execs, so closing and at once reopening an engine (a restart in a
/// test, a reload) was refused now and then. Record locks are not inherited across `fork`. The kernel
/// drops them when the process dies, so a crash never leaves the lock stale and a node killed with
/// SIGKILL restarts at once.
final class DirectoryLock: Sendable {
    let path: String
    /// The directory's canonical path: the key in `held`, so two spellings of one directory collide.
    private let canonical: String
    private let descriptor: Mutex<Int32?>

    /// The directories this process holds. Consulted before the LOCK file is even opened: closing
    /// any descriptor of a file drops every record lock the process has on it, so a refused second
    /// engine must not open and close the file the first one holds.
    private static let held = Mutex<Set<String>>([])

    init(directory: String) throws(StorageError) {
        path = directory + "/LOCK"
        guard let resolved = realpath(directory, nil) else { throw .io(operation: "realpath", path: directory, errno: errno) }
        let canonical = String(cString: resolved)
        free(resolved)
        let path = path
        let fd = try Self.held.withLock { (held) throws(StorageError) -> Int32 in
            guard !held.contains(canonical) else { throw .directoryLocked(directory: directory, holder: getpid()) }
            let fd = try Self.lock(path, directory: directory)
            held.insert(canonical)
            return fd
        }
        self.canonical = canonical
        descriptor = Mutex(fd)
    }

    /// Opens and record-locks `path`, writing this process's pid into it; returns the descriptor.
    private static func lock(_ path: String, directory: String) throws(StorageError) -> Int32 {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .io(operation: "open", path: path, errno: errno) }
        var record = flock()
        record.l_type = Int16(F_WRLCK)
        record.l_whence = Int16(SEEK_SET)
        guard fcntl(fd, F_SETLK, &record) == 0 else {
            let code = errno
            let holder = holder(fd)
            close(fd)
            if code == EAGAIN || code == EACCES { throw .directoryLocked(directory: directory, holder: holder) }
            throw .io(operation: "fcntl(F_SETLK)", path: path, errno: code)
        }
        // The pid is for the operator's error message only; the lock itself is the record lock.
        let line = Array("\(getpid())\n".utf8)
        guard ftruncate(fd, 0) == 0, pwrite(fd, line, line.count, 0) == line.count else {
            let code = errno
            close(fd)
            throw .io(operation: "write", path: path, errno: code)
        }
        return fd
    }

    /// Closing the descriptor releases the record lock; the table entry goes with it. Idempotent.
    func release() {
        Self.held.withLock { held in
            guard let fd = descriptor.withLock({ fd in defer { fd = nil }; return fd }) else { return }
            close(fd)
            held.remove(canonical)
        }
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
