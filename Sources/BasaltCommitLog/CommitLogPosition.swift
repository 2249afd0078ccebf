/// A place in the commit log: a segment id and a byte offset inside that segment's file.
///
/// Segment ids only grow (see `CommitLog.init`), so ordering by (segment, offset) is the order in
/// which records were appended. `append` returns the position just *after* its record, so "record r is
/// durable" is "r's position <= the durable position", and "everything before p is flushed" lets
/// `discardSegments(before: p)` drop every segment that ends at or before p.
public struct CommitLogPosition: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var segment: UInt64
    public var offset: UInt32

    public init(segment: UInt64, offset: UInt32) {
        self.segment = segment
        self.offset = offset
    }

    public static func < (lhs: CommitLogPosition, rhs: CommitLogPosition) -> Bool {
        lhs.segment != rhs.segment ? lhs.segment < rhs.segment : lhs.offset < rhs.offset
    }

    public var description: String { "\(segment):\(offset)" }
}
