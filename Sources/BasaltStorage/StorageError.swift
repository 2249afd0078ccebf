import BasaltCore

/// Errors the engine reports to its callers. Each carries what was seen, so an operator can act on it.
public enum StorageError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Bytes on disk that fail a checksum or cannot be decoded: never turned into a wrong answer.
    case corruption(path: String, offset: Int, reason: String)
    /// A file operation failed (disk full, permissions, I/O error). The write it belonged to failed;
    /// the engine keeps running and later operations succeed once the cause is gone.
    case io(operation: String, path: String, errno: Int32)
    case unknownTable(String)
    case tableExists(String)
    case closed
    /// A mutation too large for one commit-log record.
    case mutationTooLarge(size: Int, limit: Int)
    /// A key, clustering or cell path longer than storage can read back (see
    /// `PartitionUpdate.oversizedPart`); the mutation was refused before it was logged.
    case keyTooLarge(part: OversizedPart, length: Int, limit: Int)
    /// The commit log refused or failed a write (disk full, I/O error): it was not acknowledged.
    case commitLog(String)
    /// The write waited too long for memtable flushes to make room (they are failing or far behind);
    /// it was not applied. Carries the last flush error, if any.
    case writeBlocked(table: String, waitedMilliseconds: Int, lastFlushError: String?)
    /// Another engine (another node process, or this one) holds the data directory's lock.
    case directoryLocked(directory: String, holder: Int32?)

    public var description: String {
        switch self {
        case let .corruption(path, offset, reason): "corruption in \(path) at offset \(offset): \(reason)"
        case let .io(operation, path, code): "\(operation) failed on \(path) (errno \(code))"
        case let .unknownTable(name): "unknown table \(name)"
        case let .tableExists(name): "table \(name) already exists"
        case .closed: "storage engine is closed"
        case let .mutationTooLarge(size, limit): "mutation of \(size) bytes is larger than the limit of \(limit) bytes"
        case let .keyTooLarge(part, length, limit): "\(part.rawValue) of \(length) bytes is longer than the limit of \(limit) bytes"
        case let .commitLog(message): "commit log: \(message)"
        case let .writeBlocked(table, waited, lastError):
            "write to \(table) waited \(waited) ms for memtable flushes to make room" + (lastError.map { "; last flush error: \($0)" } ?? "")
        case let .directoryLocked(directory, holder):
            "data directory \(directory) is in use by another node" + (holder.map { " (pid \($0))" } ?? "")
                + "; stop it first, or give this node its own --data-dir"
        }
    }
}
