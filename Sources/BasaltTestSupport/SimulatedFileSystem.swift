import BasaltFileSystem
import Glibc

/// One process's view of a `SimulatedDisk` (see `SimulatedDisk.mount()`). After a crash of the disk
/// every call through it, its handles and its mappings fails with EIO: the process is gone.
public struct SimulatedFileSystem: FileSystem {
    let disk: SimulatedDisk
    let epoch: Int

    /// Runs `body` under the disk's lock if this view's process is alive, turning errno values into
    /// `FileSystemError`s for `operation` on `path`.
    func perform<T>(_ operation: String, _ path: String, _ body: () throws(SimulatedErrno) -> T) throws(FileSystemError) -> T {
        do {
            return try disk.lock.withLock { () throws(SimulatedErrno) -> T in
                guard disk.epoch == epoch else { throw SimulatedErrno(EIO) }
                return try body()
            }
        } catch {
            throw FileSystemError(operation: operation, path: path, errorNumber: error.code)
        }
    }

    public func open(_ path: String, _ mode: FileOpenMode) throws(FileSystemError) -> any OpenFile {
        let inode = try perform("open", path) { () throws(SimulatedErrno) -> SimulatedInode in
            let (directory, name) = try disk.root.parent(of: path)
            switch directory.entries[name] {
            case .directory?:
                throw SimulatedErrno(EISDIR)
            case let .file(inode)?:
                if mode == .createNew { throw SimulatedErrno(EEXIST) }
                if mode == .createOrTruncate && inode.size > 0 { inode.truncate(to: 0) }
                return inode
            case nil:
                if mode == .read { throw SimulatedErrno(ENOENT) }
                let inode = SimulatedInode()
                directory.change([(name, .file(inode))])
                return inode
            }
        }
        return SimulatedFile(system: self, inode: inode, path: path, writable: mode != .read)
    }

    public func createMapped(_ path: String, size: Int) throws(FileSystemError) -> any MappedFile {
        let mapping = try perform("posix_fallocate", path) { () throws(SimulatedErrno) -> SimulatedMapping in
            let (directory, name) = try disk.root.parent(of: path)
            if directory.entries[name] != nil { throw SimulatedErrno(EEXIST) }
            if disk.strikes(.noSpaceOnAllocate, path) { throw SimulatedErrno(ENOSPC) }
            let inode = SimulatedInode()
            let mapping = SimulatedMapping(size: size)
            inode.mapping = mapping
            // The reserved zeros are what a crash leaves of a page never synced.
            inode.durable = [UInt8](repeating: 0, count: size)
            directory.change([(name, .file(inode))])
            return mapping
        }
        return SimulatedMappedFile(system: self, mapping: mapping, path: path)
    }

    public func makeDirectory(_ path: String) throws(FileSystemError) -> Bool {
        try perform("mkdir", path) { () throws(SimulatedErrno) -> Bool in
            let (directory, name) = try disk.root.parent(of: path)
            if directory.entries[name] != nil { return false }
            directory.change([(name, .directory(SimulatedDirectory()))])
            return true
        }
    }

    public func removeDirectory(_ path: String) throws(FileSystemError) {
        try perform("rmdir", path) { () throws(SimulatedErrno) in
            let (directory, name) = try disk.root.parent(of: path)
            guard case let .directory(target)? = directory.entries[name] else { throw SimulatedErrno(ENOTDIR) }
            guard target.entries.isEmpty else { throw SimulatedErrno(ENOTEMPTY) }
            directory.change([(name, nil)])
        }
    }

    public func listDirectory(_ path: String) throws(FileSystemError) -> [String] {
        try perform("opendir", path) { () throws(SimulatedErrno) -> [String] in
            guard case let .directory(directory) = try disk.root.lookup(path) else { throw SimulatedErrno(ENOTDIR) }
            return directory.entries.keys.sorted()
        }
    }

    public func syncDirectory(_ path: String) throws(FileSystemError) {
        try perform("fsync directory", path) { () throws(SimulatedErrno) in
            guard case let .directory(directory) = try disk.root.lookup(path) else { throw SimulatedErrno(ENOTDIR) }
            try disk.syncFaults(path, epoch: epoch)
            directory.sync()
        }
    }

    public func rename(_ source: String, to target: String) throws(FileSystemError) {
        try perform("rename", target) { () throws(SimulatedErrno) in
            let (from, sourceName) = try disk.root.parent(of: source)
            let (to, targetName) = try disk.root.parent(of: target)
            guard let node = from.entries[sourceName] else { throw SimulatedErrno(ENOENT) }
            if from === to {
                from.change([(sourceName, nil), (targetName, node)])
            } else {
                to.change([(targetName, node)])
                from.change([(sourceName, nil)])
            }
        }
    }

    public func remove(_ path: String) throws(FileSystemError) {
        try perform("unlink", path) { () throws(SimulatedErrno) in
            let (directory, name) = try disk.root.parent(of: path)
            switch directory.entries[name] {
            case nil: throw SimulatedErrno(ENOENT)
            case .directory?: throw SimulatedErrno(EISDIR)
            case .file?: directory.change([(name, nil)])
            }
        }
    }

    public func hardLink(_ source: String, to target: String) throws(FileSystemError) {
        try perform("link", target) { () throws(SimulatedErrno) in
            guard case let .file(inode) = try disk.root.lookup(source) else { throw SimulatedErrno(EPERM) }
            let (directory, name) = try disk.root.parent(of: target)
            if directory.entries[name] != nil { throw SimulatedErrno(EEXIST) }
            directory.change([(name, .file(inode))])
        }
    }

    public func kind(of path: String) -> FileKind? {
        try? perform("stat", path) { () throws(SimulatedErrno) -> FileKind in
            switch try disk.root.lookup(path) {
            case .file: .file
            case .directory: .directory
            }
        }
    }
}

extension SimulatedDisk {
    /// What an fsync of any kind of `path` by the process of `epoch` goes through: a held device,
    /// then its faults. Lock held (released while held).
    func syncFaults(_ path: String, epoch: Int) throws(SimulatedErrno) {
        waiting += 1
        while let held = heldSyncs, path.contains(held), self.epoch == epoch { lock.wait() }
        waiting -= 1
        guard self.epoch == epoch else { throw SimulatedErrno(EIO) }
        if strikes(.syncFailure, path) { throw SimulatedErrno(EIO) }
        if strikes(.noSpaceOnSync, path) { throw SimulatedErrno(ENOSPC) }
    }
}

/// An open simulated file. A failed fsync leaves the data unsynced: a crash may still drop it.
final class SimulatedFile: OpenFile, @unchecked Sendable {
    let system: SimulatedFileSystem
    let inode: SimulatedInode
    let path: String
    let writable: Bool
    /// Where `append` writes next. Guarded by the disk's lock.
    private var position = 0

    init(system: SimulatedFileSystem, inode: SimulatedInode, path: String, writable: Bool) {
        self.system = system
        self.inode = inode
        self.path = path
        self.writable = writable
    }

    deinit {
        let key = ObjectIdentifier(inode), me = ObjectIdentifier(self), disk = system.disk
        disk.lock.withLock {
            if disk.fileLocks[key] == me { disk.fileLocks[key] = nil }
        }
    }

    func size() throws(FileSystemError) -> Int {
        try system.perform("fstat", path) { inode.size }
    }

    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws(FileSystemError) -> Int {
        try system.perform("pread", path) { () throws(SimulatedErrno) -> Int in
            if system.disk.strikes(.readError, path) { throw SimulatedErrno(EIO) }
            return inode.read(into: buffer, at: offset)
        }
    }

    func write(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws(FileSystemError) {
        try system.perform("pwrite", path) { () throws(SimulatedErrno) in try checkedWrite(bytes, at: offset) }
    }

    func append(_ bytes: UnsafeRawBufferPointer) throws(FileSystemError) {
        try system.perform("write", path) { () throws(SimulatedErrno) in
            try checkedWrite(bytes, at: position)
            position += bytes.count
        }
    }

    /// Lock held. ENOSPC writes nothing (a real short write is retried by the caller until it fails).
    private func checkedWrite(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws(SimulatedErrno) {
        guard writable else { throw SimulatedErrno(EBADF) }
        guard inode.mapping == nil else { throw SimulatedErrno(EINVAL) }
        if bytes.isEmpty { return }
        if system.disk.strikes(.noSpaceOnWrite, path) { throw SimulatedErrno(ENOSPC) }
        inode.write(bytes, at: offset)
    }

    func truncate(to size: Int) throws(FileSystemError) {
        try system.perform("ftruncate", path) { () throws(SimulatedErrno) in
            guard writable, inode.mapping == nil else { throw SimulatedErrno(EINVAL) }
            inode.truncate(to: size)
        }
    }

    func sync() throws(FileSystemError) {
        try system.perform("fsync", path) { () throws(SimulatedErrno) in
            try system.disk.syncFaults(path, epoch: system.epoch)
            inode.sync()
        }
    }

    func lockExclusively() throws(FileSystemError) -> Bool {
        let key = ObjectIdentifier(inode), me = ObjectIdentifier(self)
        return try system.perform("flock", path) { () -> Bool in
            if let holder = system.disk.fileLocks[key], holder != me { return false }
            system.disk.fileLocks[key] = me
            return true
        }
    }

    func adviseSequential() {}
}

/// A simulated shared mapping: writes go straight to memory; `sync` copies a range into what a crash
/// keeps.
final class SimulatedMappedFile: MappedFile, @unchecked Sendable {
    let system: SimulatedFileSystem
    let mapping: SimulatedMapping
    let path: String

    init(system: SimulatedFileSystem, mapping: SimulatedMapping, path: String) {
        self.system = system
        self.mapping = mapping
        self.path = path
    }

    var base: UnsafeMutableRawPointer { mapping.buffer }
    var size: Int { mapping.size }

    func sync(from: Int, to: Int) throws(FileSystemError) {
        try system.perform("msync", path) { () throws(SimulatedErrno) in
            guard !mapping.dead, from <= to, to <= mapping.size,
                  case let .file(inode)? = try? system.disk.root.lookup(path), inode.mapping === mapping else {
                // Removed (or renamed away): this simulation follows files by name, and a removed
                // file's durability no longer matters to anyone.
                if mapping.dead { throw SimulatedErrno(EIO) }
                return
            }
            try system.disk.syncFaults(path, epoch: system.epoch)
            let start = from & ~(SimulatedDisk.pageSize - 1)
            let synced = UnsafeRawBufferPointer(start: mapping.buffer + start, count: to - start)
            inode.durable.replaceSubrange(start..<to, with: synced)
        }
    }
}
