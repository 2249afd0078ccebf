import Glibc

/// The real file system: each operation is the one system call it names (retried on EINTR), and a
/// failure becomes a `FileSystemError` with that call's name and errno.
public struct PosixFileSystem: FileSystem {
    public init() {}

    public func open(_ path: String, _ mode: FileOpenMode) throws(FileSystemError) -> any OpenFile {
        let flags: Int32 = switch mode {
        case .read: O_RDONLY
        case .createNew: O_RDWR | O_CREAT | O_EXCL
        case .createOrTruncate: O_RDWR | O_CREAT | O_TRUNC
        case .createOrOpen: O_RDWR | O_CREAT
        }
        return try PosixFile(path: path, flags: flags)
    }

    public func createMapped(_ path: String, size: Int) throws(FileSystemError) -> any MappedFile {
        let handle = try PosixFile(path: path, flags: O_RDWR | O_CREAT | O_EXCL)
        func abandon(_ operation: String, _ code: Int32) -> FileSystemError {
            unlink(path)
            return FileSystemError(operation: operation, path: path, errorNumber: code)
        }
        // Reserved up front, so a write through the mapping can never meet a full disk (that would
        // be a SIGBUS, not an error). posix_fallocate returns the error instead of setting errno.
        let status = posix_fallocate(handle.descriptor, 0, off_t(size))
        if status != 0 { throw abandon("posix_fallocate", status) }
        guard let base = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_SHARED, handle.descriptor, 0),
              base != UnsafeMutableRawPointer(bitPattern: -1) else { throw abandon("mmap", errno) }
        return PosixMappedFile(path: path, base: base, size: size, handle: handle)
    }

    public func makeDirectory(_ path: String) throws(FileSystemError) -> Bool {
        if mkdir(path, 0o755) == 0 { return true }
        if errno == EEXIST { return false }
        throw FileSystemError(operation: "mkdir", path: path, errorNumber: errno)
    }

    public func removeDirectory(_ path: String) throws(FileSystemError) {
        guard rmdir(path) == 0 else { throw FileSystemError(operation: "rmdir", path: path, errorNumber: errno) }
    }

    public func listDirectory(_ path: String) throws(FileSystemError) -> [String] {
        guard let directory = opendir(path) else { throw FileSystemError(operation: "opendir", path: path, errorNumber: errno) }
        defer { closedir(directory) }
        var names: [String] = []
        while true {
            errno = 0
            guard let entry = readdir(directory) else {
                if errno != 0 { throw FileSystemError(operation: "readdir", path: path, errorNumber: errno) }
                break
            }
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    public func syncDirectory(_ path: String) throws(FileSystemError) {
        let descriptor = Glibc.open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw FileSystemError(operation: "open directory", path: path, errorNumber: errno) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw FileSystemError(operation: "fsync directory", path: path, errorNumber: errno) }
    }

    public func rename(_ source: String, to target: String) throws(FileSystemError) {
        guard Glibc.rename(source, target) == 0 else { throw FileSystemError(operation: "rename", path: target, errorNumber: errno) }
    }

    public func remove(_ path: String) throws(FileSystemError) {
        guard unlink(path) == 0 else { throw FileSystemError(operation: "unlink", path: path, errorNumber: errno) }
    }

    public func hardLink(_ source: String, to target: String) throws(FileSystemError) {
        guard link(source, target) == 0 else { throw FileSystemError(operation: "link", path: target, errorNumber: errno) }
    }

    public func kind(of path: String) -> FileKind? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return (info.st_mode & S_IFMT) == S_IFDIR ? .directory : .file
    }
}

/// An open descriptor; closed on release (which also drops the record lock it holds).
final class PosixFile: OpenFile {
    let descriptor: Int32
    let path: String

    init(path: String, flags: Int32) throws(FileSystemError) {
        var descriptor: Int32
        repeat { descriptor = Glibc.open(path, flags | O_CLOEXEC, 0o644) } while descriptor < 0 && errno == EINTR
        guard descriptor >= 0 else { throw FileSystemError(operation: "open", path: path, errorNumber: errno) }
        self.descriptor = descriptor
        self.path = path
    }

    deinit { close(descriptor) }

    private func failure(_ operation: String) -> FileSystemError {
        FileSystemError(operation: operation, path: path, errorNumber: errno)
    }

    func size() throws(FileSystemError) -> Int {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw failure("fstat") }
        return Int(info.st_size)
    }

    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws(FileSystemError) -> Int {
        guard let base = buffer.baseAddress else { return 0 }
        var done = 0
        while done < buffer.count {
            let n = pread(descriptor, base + done, buffer.count - done, off_t(offset + done))
            if n < 0 {
                if errno == EINTR { continue }
                throw failure("pread")
            }
            if n == 0 { break }
            done += n
        }
        return done
    }

    func write(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws(FileSystemError) {
        guard let base = bytes.baseAddress else { return }
        var done = 0
        while done < bytes.count {
            let n = pwrite(descriptor, base + done, bytes.count - done, off_t(offset + done))
            if n < 0 {
                if errno == EINTR { continue }
                throw failure("pwrite")
            }
            done += n
        }
    }

    func append(_ bytes: UnsafeRawBufferPointer) throws(FileSystemError) {
        guard let base = bytes.baseAddress else { return }
        var done = 0
        while done < bytes.count {
            let n = Glibc.write(descriptor, base + done, bytes.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw failure("write")
            }
            done += n
        }
    }

    func truncate(to size: Int) throws(FileSystemError) {
        guard ftruncate(descriptor, off_t(size)) == 0 else { throw failure("ftruncate") }
    }

    func sync() throws(FileSystemError) {
        guard fsync(descriptor) == 0 else { throw failure("fsync") }
    }

    /// A POSIX record lock on the whole file, not a `flock`: a flock belongs to the open file
    /// description, which a forked child shares until it execs, so a lock released here could
    /// still be held by a child another thread was spawning. Record locks belong to the process
    /// and are not inherited (they do not conflict within the process: `DirectoryLock` covers that).
    func lockExclusively() throws(FileSystemError) -> Bool {
        var record = flock()
        record.l_type = Int16(F_WRLCK)
        record.l_whence = Int16(SEEK_SET)
        if fcntl(descriptor, F_SETLK, &record) == 0 { return true }
        if errno == EAGAIN || errno == EACCES { return false }
        throw failure("fcntl(F_SETLK)")
    }

    func adviseSequential() {
        _ = posix_fadvise(descriptor, 0, 0, Int32(POSIX_FADV_SEQUENTIAL))
    }
}

/// A shared writable mapping; unmapped (and its descriptor closed) on release.
final class PosixMappedFile: MappedFile, @unchecked Sendable {
    let path: String
    let base: UnsafeMutableRawPointer
    let size: Int
    private let handle: PosixFile

    private static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))

    init(path: String, base: UnsafeMutableRawPointer, size: Int, handle: PosixFile) {
        self.path = path
        self.base = base
        self.size = size
        self.handle = handle
    }

    deinit { munmap(base, size) }

    func sync(from: Int, to: Int) throws(FileSystemError) {
        // msync needs a page-aligned start: begin at the page holding `from`.
        let start = from & ~(Self.pageSize - 1)
        guard msync(base + start, to - start, MS_SYNC) == 0 else {
            throw FileSystemError(operation: "msync", path: path, errorNumber: errno)
        }
    }
}
