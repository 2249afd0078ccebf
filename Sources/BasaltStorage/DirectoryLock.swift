import BasaltFileSystem
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
/// On the real file system, two locks, as LevelDB's `PosixLockTable` does: the file's lock
/// (`OpenFile.lockExclusively`, a POSIX record lock) keeps other processes out, and a table of the
/// directories this process holds keeps a second engine in the same process out (record locks
/// never conflict within one process). The table is consulted before the LOCK file is even opened:
/// closing any descriptor of a file drops every record lock the process has on it, so a refused
/// second engine must not open and close the file the first one holds. (`flock` would cover both,
/// but a flock belongs to the open file description, which every `fork` shares: a child spawned by
/// another thread held the lock until it exec'd, and a close-and-reopen was refused now and then.)
/// The kernel drops the lock when its process dies, so a crash never leaves it stale and a node
/// killed with SIGKILL restarts at once. A simulated file system's lock conflicts within the
/// process by itself, so the table is for the real one only.
final class DirectoryLock: Sendable {
    let path: String
    /// The directory's canonical path, the key in `held`; nil off the real file system.
    private let canonical: String?
    private let file: Mutex<(any OpenFile)?>

    /// The directories this process holds on the real file system.
    private static let held = Mutex<Set<String>>([])

    init(directory: String, fileSystem: any FileSystem = PosixFileSystem()) throws(StorageError) {
        let path = directory + "/LOCK"
        let canonical = fileSystem is PosixFileSystem ? Self.canonicalPath(directory) : nil
        let handle = try Self.held.withLock { (held) throws(StorageError) -> any OpenFile in
            if let canonical, held.contains(canonical) { throw .directoryLocked(directory: directory, holder: getpid()) }
            let handle = try Self.lock(path, directory: directory, fileSystem: fileSystem)
            if let canonical { held.insert(canonical) }
            return handle
        }
        self.path = path
        self.canonical = canonical
        file = Mutex(handle)
    }

    /// Opens and locks `path`, writing this process's pid into it.
    private static func lock(_ path: String, directory: String, fileSystem: any FileSystem) throws(StorageError) -> any OpenFile {
        let handle: any OpenFile
        let locked: Bool
        do {
            handle = try fileSystem.open(path, .createOrOpen)
            locked = try handle.lockExclusively()
        } catch {
            throw .io(operation: error.operation, path: error.path, errno: error.errorNumber)
        }
        guard locked else { throw .directoryLocked(directory: directory, holder: holder(handle)) }
        // The pid is for the operator's error message only; the lock itself is the file's lock.
        let line = Array("\(getpid())\n".utf8)
        do {
            try handle.truncate(to: 0)
            try handle.write(line, at: 0)
        } catch {
            throw .io(operation: error.operation, path: error.path, errno: error.errorNumber)
        }
        return handle
    }

    /// Releasing the handle releases the lock; the table entry goes with it. Idempotent.
    func release() {
        Self.held.withLock { held in
            file.withLock { $0 = nil }
            if let canonical { held.remove(canonical) }
        }
    }

    deinit { release() }

    private static func canonicalPath(_ directory: String) -> String {
        guard let resolved = realpath(directory, nil) else { return directory }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// The pid the current holder wrote, if it is readable.
    private static func holder(_ handle: any OpenFile) -> Int32? {
        guard let bytes = try? handle.read(count: 16, at: 0), !bytes.isEmpty else { return nil }
        return Int32(String(decoding: bytes, as: UTF8.self).filter(\.isNumber))
    }
}
