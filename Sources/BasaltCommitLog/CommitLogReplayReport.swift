import BasaltCore

/// What `CommitLog.replay` found: how much it applied and every place where it could not read.
/// Nothing is skipped silently: each unreadable byte range is either a truncated tail or a corruption.
public struct CommitLogReplayReport: Sendable, Hashable {
    public var segmentsRead = 0
    public var recordsReplayed = 0
    /// Frame bytes of the replayed records.
    public var bytesReplayed = 0
    /// The end of the last record applied, nil when none was.
    public var lastPosition: CommitLogPosition?
    /// Damage at the very end of the log (a write torn by a crash): expected, and cut off.
    public var truncatedTails: [CommitLogTruncatedTail] = []
    /// Damage followed by readable records, or in a segment that is not the last written one:
    /// records that were once written are gone. Worth an operator's attention.
    public var corruptions: [CommitLogCorruption] = []

    public init() {}

    /// True when every byte written was read back as a record.
    public var isClean: Bool { truncatedTails.isEmpty && corruptions.isEmpty }
}

/// Unreadable bytes at the end of the last written segment, dropped by replay.
public struct CommitLogTruncatedTail: Sendable, Hashable, CustomStringConvertible {
    public var path: String
    public var segment: UInt64
    /// Where the first unreadable frame starts.
    public var offset: Int
    /// From `offset` to the last non-zero byte of the segment.
    public var bytesDropped: Int
    public var reason: CommitLogCorruption.Reason

    public var description: String { "\(path): torn tail at offset \(offset), \(bytesDropped) bytes dropped (\(reason))" }
}

/// A damaged region of a segment that replay skipped.
public struct CommitLogCorruption: Sendable, Hashable, CustomStringConvertible {
    public var path: String
    public var segment: UInt64
    /// Where the damage starts.
    public var offset: Int
    /// How many bytes were skipped: up to the next valid record, or to the segment's last non-zero byte.
    public var bytesSkipped: Int
    public var reason: Reason
    /// Best estimate of the records lost (skipped bytes over the average record size seen in the replay),
    /// at least 1. The one exception is `.badHeader`: the header is not a record, and the records after
    /// it are still read (each one is checked by its own checksums), so it reports 0.
    public var recordsLost: Int

    public var description: String {
        "\(path): corruption at offset \(offset), \(bytesSkipped) bytes skipped, ~\(recordsLost) records lost (\(reason))"
    }

    public enum Reason: Error, Sendable, Hashable, CustomStringConvertible {
        case badHeader(String)
        case lengthChecksumMismatch(stored: UInt32, computed: UInt32)
        /// A checksummed length that is still impossible: over the record limit or past the segment end.
        case lengthOutOfBounds(length: UInt32, limit: Int)
        case payloadChecksumMismatch(stored: UInt32, computed: UInt32)
        /// Fewer bytes than a frame header, not all zero, at the end of the file.
        case truncatedFrame(bytes: Int)
        /// The end-of-records marker (a zero frame header) with non-zero bytes after it.
        case dataAfterEndMarker
        /// The frame is intact but its payload is not a mutation.
        case undecodableMutation(DecodeError)
        /// A segment file larger than any segment this format allows; not read at all.
        case segmentTooLarge(size: Int, limit: Int)

        public var description: String {
            switch self {
            case let .badHeader(why): "bad segment header: \(why)"
            case let .lengthChecksumMismatch(stored, computed): "length crc \(stored), computed \(computed)"
            case let .lengthOutOfBounds(length, limit): "record length \(length) over the bound \(limit)"
            case let .payloadChecksumMismatch(stored, computed): "payload crc \(stored), computed \(computed)"
            case let .truncatedFrame(bytes): "\(bytes) bytes of a frame header"
            case .dataAfterEndMarker: "non-zero bytes after the end-of-records marker"
            case let .undecodableMutation(error): "payload is not a mutation: \(error)"
            case let .segmentTooLarge(size, limit): "segment file of \(size) bytes, over the limit \(limit)"
            }
        }
    }
}
