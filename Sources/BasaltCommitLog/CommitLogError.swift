import BasaltFileSystem

/// Why a commit-log operation failed. Each case carries what was seen, so a log line is enough to act.
public enum CommitLogError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The payload is larger than `maximumRecordSize`; nothing was written.
    case recordTooLarge(size: Int, limit: Int)
    /// An empty payload cannot be a mutation; nothing was written.
    case emptyRecord
    /// A system call failed. `errno` is the raw error number (ENOSPC when the disk is full).
    case io(operation: String, path: String, errno: Int32)
    /// The log was closed.
    case closed
    case invalidConfiguration(String)
    /// A segment file written by a format version this code cannot read.
    case unsupportedSegmentVersion(path: String, version: Int)
    /// A durability wait for a position this log has not reached (a caller bug; waiting would hang).
    case positionNotAppended(CommitLogPosition, current: CommitLogPosition)

    /// A failed file operation, as the log reports it.
    static func io(_ error: FileSystemError) -> CommitLogError {
        .io(operation: error.operation, path: error.path, errno: error.errorNumber)
    }

    public var description: String {
        switch self {
        case let .recordTooLarge(size, limit): "commit-log record of \(size) bytes exceeds the limit \(limit)"
        case .emptyRecord: "empty commit-log record"
        case let .io(operation, path, errno): "\(operation) failed on \(path): errno \(errno)"
        case .closed: "commit log is closed"
        case let .invalidConfiguration(why): "invalid commit-log configuration: \(why)"
        case let .unsupportedSegmentVersion(path, version): "\(path): unsupported commit-log format version \(version)"
        case let .positionNotAppended(position, current): "position \(position) is beyond the log's end \(current)"
        }
    }
}
