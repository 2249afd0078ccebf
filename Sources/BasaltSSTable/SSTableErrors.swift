import Glibc

/// Bytes on disk that do not say what they must: a checksum mismatch, a length over its limit, a file
/// shorter or longer than its metadata says, a missing or inconsistent TOC.
///
/// `path` is the component file, `offset` the byte offset in that file where the bad bytes are (for the
/// Data file: the offset of the chunk frame; `reason` then also gives the uncompressed stream position).
/// A reader never returns data it could not verify: it throws this instead.
public struct SSTableCorruption: Error, Hashable, Sendable, CustomStringConvertible {
    public let path: String
    public let offset: Int
    public let reason: String

    public init(path: String, offset: Int, reason: String) {
        self.path = path
        self.offset = offset
        self.reason = reason
    }

    public var description: String { "corrupt SSTable component \(path) at offset \(offset): \(reason)" }
}

/// A system call on an SSTable file failed (the disk or the OS, not the bytes): `errno` tells why.
public struct SSTableIOError: Error, Hashable, Sendable, CustomStringConvertible {
    public let path: String
    public let operation: String
    public let errno: Int32

    public init(path: String, operation: String, errno: Int32) {
        self.path = path
        self.operation = operation
        self.errno = errno
    }

    public var description: String { "\(operation) \(path) failed: \(String(cString: strerror(errno))) (errno \(errno))" }
}
