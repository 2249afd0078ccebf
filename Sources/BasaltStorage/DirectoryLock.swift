import BasaltFileSystem
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
    private let file: Mutex<(any OpenFile)?>

    init(directory: String, fileSystem: any FileSystem = PosixFileSystem()) throws(StorageError) {
        path = directory + "/LOCK"
        let handle: any OpenFile
        let locked: Bool
        do {
            handle = try fileSystem.open(path, .createOrOpen)
            locked = try handle.lockExclusively()
        } catch {
            throw .io(operation: error.operation, path: error.path, errno: error.errorNumber)
        }
        guard locked else { throw .directoryLocked(directory: directory, holder: Self.holder(handle)) }
        // The pid is for the operator's error message only; the lock itself is the flock.
        let line = Array("\(getpid())\n".utf8)
        do {
            try handle.truncate(to: 0)
            try handle.write(line, at: 0)
        } catch {
            throw .io(operation: error.operation, path: error.path, errno: error.errorNumber)
        }
        file = Mutex(handle)
    }

    /// Releasing the handle releases the lock. Idempotent.
    func release() {
        file.withLock { $0 = nil }
    }

    /// The pid the current holder wrote, if it is readable.
    private static func holder(_ handle: any OpenFile) -> Int32? {
        guard let bytes = try? handle.read(count: 16, at: 0), !bytes.isEmpty else { return nil }
        return Int32(String(decoding: bytes, as: UTF8.self).filter(\.isNumber))
    }
}
