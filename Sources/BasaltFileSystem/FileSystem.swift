/// The file operations the storage layer performs (commit log, SSTables, manifests, the data
/// directory's lock), behind one small protocol so that a simulated disk can stand in for the real
/// one: production passes `PosixFileSystem`, tests and the cluster simulator pass an in-memory disk
/// that loses unsynced data on a crash and injects faults.
///
/// The durability rules are POSIX's, and callers must follow them: bytes written to a file survive a
/// machine crash only after `OpenFile.sync()`; a created, renamed, linked or removed directory entry
/// survives only after `syncDirectory` of its directory. Errors carry the operation, the path and the
/// errno value, whatever the implementation (`FileSystemError`).
public protocol FileSystem: Sendable {
    /// Opens (or creates, by `mode`) a regular file.
    func open(_ path: String, _ mode: FileOpenMode) throws(FileSystemError) -> any OpenFile
    /// Creates the new file `path` with `size` bytes reserved (zeros) and maps it shared and writable:
    /// the commit log appends by copying into the mapping, with no system call per record. Nothing is
    /// left behind on failure. The file's directory entry is not yet durable.
    func createMapped(_ path: String, size: Int) throws(FileSystemError) -> any MappedFile
    /// Creates one directory; false when it already existed. Its entry is not yet durable.
    @discardableResult
    func makeDirectory(_ path: String) throws(FileSystemError) -> Bool
    /// Removes an empty directory.
    func removeDirectory(_ path: String) throws(FileSystemError)
    /// The names in a directory (without "." and ".."), sorted.
    func listDirectory(_ path: String) throws(FileSystemError) -> [String]
    /// Makes the entries of `path` (files created, renamed, linked or removed in it) durable.
    func syncDirectory(_ path: String) throws(FileSystemError)
    /// Atomically replaces `target` (if any) with `source`.
    func rename(_ source: String, to target: String) throws(FileSystemError)
    /// Removes a file's directory entry (ENOENT when there is none).
    func remove(_ path: String) throws(FileSystemError)
    /// A second name for the file `source` (snapshots share SSTable files this way).
    func hardLink(_ source: String, to target: String) throws(FileSystemError)
    /// What `path` is, nil when nothing is there.
    func kind(of path: String) -> FileKind?
}

public enum FileKind: Sendable, Hashable {
    case file, directory
}

/// How `FileSystem.open` opens a file. Every handle can read; the writable ones also write.
public enum FileOpenMode: Sendable, Hashable {
    /// An existing file, read only.
    case read
    /// A new file (EEXIST if one is there): a file written once, like an SSTable component.
    case createNew
    /// Created if missing, emptied if present: a temporary file about to be renamed into place.
    case createOrTruncate
    /// Created if missing, kept as it is if present.
    case createOrOpen
}

/// An open file. Positional reads and writes carry their own offset, so one handle serves any number
/// of threads; `append` writes at the handle's own position (for one writer). Closed when released.
public protocol OpenFile: AnyObject, Sendable {
    var path: String { get }
    func size() throws(FileSystemError) -> Int
    /// Fills `buffer` from `offset` on; returns how many bytes were read (fewer only at end of file).
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws(FileSystemError) -> Int
    /// Writes all of `bytes` at `offset`.
    func write(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws(FileSystemError)
    /// Writes all of `bytes` at the handle's position and advances it.
    func append(_ bytes: UnsafeRawBufferPointer) throws(FileSystemError)
    func truncate(to size: Int) throws(FileSystemError)
    /// fsync: what was written is durable once this returns without error. After an error nothing is
    /// known (Linux may have dropped the pages): a caller must never treat the data as durable.
    func sync() throws(FileSystemError)
    /// Takes an exclusive advisory lock on the file without waiting; false when another holder has it.
    /// Released when the handle is, or when the process dies.
    func lockExclusively() throws(FileSystemError) -> Bool
    /// A hint that the file will be read front to back.
    func adviseSequential()
}

/// A file mapped shared and writable (see `FileSystem.createMapped`). Writes through `base` are in
/// the page cache at once: they survive a crash of the process, and a crash of the machine only
/// after `sync` covers them.
public protocol MappedFile: AnyObject, Sendable {
    var path: String { get }
    var base: UnsafeMutableRawPointer { get }
    var size: Int { get }
    /// Forces bytes `from..<to` to disk and waits (msync). Safe while other threads write elsewhere
    /// in the mapping.
    func sync(from: Int, to: Int) throws(FileSystemError)
}

/// A failed file operation: what was attempted, on which path, and the errno value (ENOSPC when the
/// disk is full, EIO when the device failed).
public struct FileSystemError: Error, Hashable, Sendable, CustomStringConvertible {
    public let operation: String
    public let path: String
    public let errorNumber: Int32

    public init(operation: String, path: String, errorNumber: Int32) {
        self.operation = operation
        self.path = path
        self.errorNumber = errorNumber
    }

    public var description: String { "\(operation) \(path): \(errorMessage(errorNumber)) (errno \(errorNumber))" }
}
